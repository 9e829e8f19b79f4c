import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, type DeployWorld } from './helpers.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

describe('deploy checks credentials and region before it asks or builds anything', () => {
  it('on a terminal, missing credentials stop the first deploy before any question is asked', async () => {
    w = await deployWorld();
    w.aws.noCredentials = true;
    const zip = await w.zip();
    // No scripted answers: any question would fail the run as an unexpected prompt.
    const r = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms'], { answers: {} });
    // A setting to supply, as a missing region is: usage (the README's exit-code table).
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: No AWS credentials found. Run "aws configure" or "aws sso login", set AWS_PROFILE or pass --profile.');
    expect(w.aws.calls).toEqual([]);
  });

  it('on a terminal, a missing region is not a problem for the guided questions, which ask for it', async () => {
    w = await deployWorld();
    w.aws.noRegion = true;
    const zip = await w.zip();
    const answers = {
      'Stack name': 'authstack',
      'AWS region': 'us-east-1',
      'Custom domain': '',
      'API stage name': 'prod',
      'Days to keep': '7',
      'Create stack': true,
    };
    const r = await w.run(['deploy', '--zip', zip, '--poll-interval', '1ms'], { answers });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(w.dir, 'authstack.config.json'), 'utf8')).region).toBe('us-east-1');
    expect(r.stderr).toContain('Deploying authstack to us-east-1');
  });

  it('without a terminal, one run reports every missing setting: credentials, region and --yes', async () => {
    w = await deployWorld();
    w.aws.noCredentials = true;
    w.aws.noRegion = true;
    const zip = await w.zip();
    const r = await w.run(['deploy', '--zip', zip, '--json']);
    expect(r.code).toBe(2);
    const error = r.json().error;
    expect(error.code).toBe('MissingSettings');
    expect(error.problems.map((p: { code: string }) => p.code)).toEqual(['NoRegion', 'NoCredentials', 'UsageError']);
    expect(error.message).toBe(
      'Cannot deploy: (1) No AWS region is set. Pass --region, or set AWS_REGION. (2) No AWS credentials found. Run "aws configure" or "aws sso login", set AWS_PROFILE or pass --profile. (3) Without a terminal the change set cannot be confirmed. Pass --yes to execute it, or --no-execute to only show it.',
    );
    expect(w.aws.calls).toEqual([]);
  });
});
