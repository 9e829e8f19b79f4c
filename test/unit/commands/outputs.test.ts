import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTED_SIGN_IN_OUTPUTS } from '../../../src/core/stack-model.js';
import { ProjectState } from '../../../src/core/targets.js';
import { deployWorld, type DeployWorld } from '../deploy/helpers.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

/** The keys both targets' `outputs --json` have: what a front end's configuration code reads. */
const SHARED = ['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'Region', ...HOSTED_SIGN_IN_OUTPUTS];

describe('authstack outputs', () => {
  it('reads authstack.config.json of the project folder, not of the folder it runs in (a subfolder)', async () => {
    w = await deployWorld();
    await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ stackName: 'shop', region: 'us-east-1' }));
    const deployed = await w.deploy(['--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const poolId = deployed.json<{ stackName: string; outputs: Record<string, string> }>().outputs.UserPoolId!;
    expect(deployed.json<{ stackName: string }>().stackName).toBe('shop');
    // No recorded target: the stack is the configuration's.
    await rm(join(w.dir, '.authstack', 'targets.json'), { force: true });
    await mkdir(join(w.dir, 'web', 'src'), { recursive: true });
    const sub = join(w.dir, 'web', 'src');
    const r = await w.run(['outputs', '--format', 'amplify', '--out', '-', '--json'], { cwd: sub });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(r.json())).toContain(poolId);
    const plain = await w.run(['outputs', '--json'], { cwd: sub });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json<Record<string, string>>().UserPoolId).toBe(poolId);
  });

  it('has the hosted sign-in keys (sign-in URL, auth domain, issuer, callback and logout URLs) on the local target as on AWS', async () => {
    w = await deployWorld();
    expect((await w.deploy()).code).toBe(0);
    const aws = (await w.run(['outputs', '--json'])).json<Record<string, string>>();
    const endpoint = 'http://127.0.0.1:9229';
    await new ProjectState(w.dir).saveTarget({
      name: 'local',
      kind: 'local',
      apiUrl: 'http://127.0.0.1:3000',
      region: 'local',
      userPoolId: 'local_abc',
      clientId: 'client1',
      cognitoEndpoint: endpoint,
      localDataDir: join(w.dir, '.authstack', 'local'),
      hostedUi: { domainUrl: endpoint, callbackUrls: ['http://localhost:5173/callback'], logoutUrls: ['http://localhost:5173/'], scopes: ['openid', 'email'] },
    });
    const local = (await w.run(['outputs', '--json', '--target', 'local'])).json<Record<string, string>>();
    expect(SHARED.filter((key) => !(key in aws))).toEqual([]);
    expect(SHARED.filter((key) => !(key in local))).toEqual([]);
    expect(local).toMatchObject({
      AuthDomainUrl: endpoint,
      OidcIssuer: `${endpoint}/local_abc`,
      CallbackUrls: 'http://localhost:5173/callback',
      LogoutUrls: 'http://localhost:5173/',
    });
    expect(new URL(local.SignInUrl!).searchParams.get('redirect_uri')).toBe('http://localhost:5173/callback');
    // The comma-separated lists are spelled as the stack's outputs spell them.
    expect(aws.CallbackUrls).toBe('http://localhost:47651/callback');
  });
});
