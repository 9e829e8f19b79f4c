import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsFactory } from '../../../src/core/aws.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { loadShippedLambda } from '../../../src/deploy/artifact.js';
import { parseTemplate } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

/** An AWS factory that fails the test on any use: synth must make no AWS call, nor create a client. */
function noAws(): { factory: AwsFactory; used: string[] } {
  const used: string[] = [];
  const factory = new Proxy({} as AwsFactory, {
    get(_target, key) {
      used.push(String(key));
      throw new Error(`synth used the AWS factory (${String(key)})`);
    },
  });
  return { factory, used };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => tmp.cleanup());

const synth = (argv: string[], aws = noAws()) => ({ aws, result: runCli(['synth', ...argv], { cwd: tmp.dir, aws: aws.factory, env: {} }) });

describe('authstack synth', () => {
  it('prints the template deploy would send for the project, byte for byte, with no AWS client created', async () => {
    const { aws, result } = synth([]);
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    const { sha256 } = await loadShippedLambda();
    expect(`${r.stdout}`).toBe(generatedTemplate(buildStackModel(), sha256).body);
    expect(aws.used).toEqual([]);
  });

  it('generates from authstack.config.json of the project folder, also when run from a subfolder, and from the template flags', async () => {
    await writeFile(join(tmp.dir, 'authstack.config.json'), JSON.stringify({ stackName: 'shop', groups: ['admin'], passwordPolicy: { minimumLength: 12 } }));
    await mkdir(join(tmp.dir, 'src', 'deep'), { recursive: true });
    const r = await runCli(['synth', '--cors-origin', 'https://app.example.com', '--json'], {
      cwd: join(tmp.dir, 'src', 'deep'),
      aws: noAws().factory,
      env: {},
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<{ stackName: string; template: { Parameters: Record<string, { Default: unknown }> } }>();
    expect(doc.stackName).toBe('shop');
    expect(doc.template.Parameters.UserGroups!.Default).toBe('admin');
    expect(doc.template.Parameters.PasswordMinimumLength!.Default).toBe(12);
    expect(doc.template.Parameters.CorsAllowOrigin!.Default).toBe('https://app.example.com');
    expect(doc.template.Parameters.AuthDomainLabel!.Default).toBe('shop');
  });

  it('--out writes the template to a file (relative to where it runs) and says so', async () => {
    const r = await synth(['--out', 'template.json']).result;
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(join(tmp.dir, 'template.json'), 'utf8');
    expect(parseTemplate(text).Resources.UserPool!.Type).toBe('AWS::Cognito::UserPool');
    expect(r.stdout).toContain(join(tmp.dir, 'template.json'));
  });

  it('refuses a configuration file with problems, naming each key, with exit 2 and no template', async () => {
    await writeFile(join(tmp.dir, 'authstack.config.json'), JSON.stringify({ logRetentionInDays: 8, groups: ['ok', 'b a d'], colour: 'blue' }));
    const r = await synth([]).result;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('"logRetentionInDays" must be one of 1, 3, 5, 7, 14');
    expect(r.stderr).toContain('"groups[1]" must be a group name');
    expect(r.stderr).toContain('"colour" is not a setting authstack knows');
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
