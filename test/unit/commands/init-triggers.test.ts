/**
 * `authstack init --trigger <name>` writes a typed sample of each trigger into auth/ and declares it in the
 * configuration, which then passes authstack's own checks (the handler file exists and exports the name); a
 * declared trigger whose handler is missing, or an unknown trigger name, is one line naming the key, exit 2.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRIGGER_NAMES } from '../../../src/core/triggers.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

let project: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => {
  project = await tempDir();
});
afterEach(() => project.cleanup());

describe('authstack init --trigger', () => {
  it("writes each trigger's typed sample into auth/ and declares it, keeping the routes; the configuration checks out", async () => {
    await runCli(['init'], { cwd: project.dir });
    for (const name of TRIGGER_NAMES) {
      const r = await runCli(['init', '--trigger', name, '--json'], { cwd: project.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).written).toEqual([expect.stringMatching(/^auth\/[a-z-]+\.ts$/), `authstack.config.json (triggers.${name})`]);
    }
    const config = JSON.parse(await readFile(join(project.dir, 'authstack.config.json'), 'utf8'));
    expect(config.triggers).toEqual({
      preSignUp: 'auth/pre-sign-up.ts#handler',
      postConfirmation: 'auth/post-confirmation.ts#handler',
      preAuthentication: 'auth/pre-authentication.ts#handler',
      postAuthentication: 'auth/post-authentication.ts#handler',
      preTokenGeneration: 'auth/pre-token-generation.ts#handler',
      customMessage: 'auth/custom-message.ts#handler',
    });
    expect(Object.keys(config.routes)).toEqual(['GET /hello', 'GET /notes/{id}']);
    expect(await readFile(join(project.dir, 'auth/pre-sign-up.ts'), 'utf8')).toContain("import type { PreSignUpEvent } from 'authstack';");
    // The configuration is read and every handler checked for real.
    const routes = await runCli(['routes'], { cwd: project.dir });
    expect(routes.code, routes.stderr).toBe(0);
  });

  it('never overwrites a sample or a declared trigger', async () => {
    await runCli(['init', '--trigger', 'preSignUp'], { cwd: project.dir });
    await writeFile(join(project.dir, 'auth/pre-sign-up.ts'), 'export const handler = async (e: unknown) => e;\n');
    const again = await runCli(['init', '--trigger', 'preSignUp', '--json'], { cwd: project.dir });
    expect(JSON.parse(again.stdout)).toMatchObject({ written: [], kept: ['auth/pre-sign-up.ts', 'authstack.config.json (triggers.preSignUp)'] });
    expect(await readFile(join(project.dir, 'auth/pre-sign-up.ts'), 'utf8')).toContain('(e: unknown)');
  });

  it('refuses an unknown trigger name as a usage error naming the choices', async () => {
    const r = await runCli(['init', '--trigger', 'preSignup'], { cwd: project.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('preSignUp');
  });

  it('refuses a declared trigger whose handler file is missing: one line naming the key, exit 2', async () => {
    await runCli(['init', '--trigger', 'customMessage'], { cwd: project.dir });
    await rm(join(project.dir, 'auth/custom-message.ts'));
    const r = await runCli(['synth'], { cwd: project.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"triggers.customMessage": there is no file auth/custom-message.ts');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
