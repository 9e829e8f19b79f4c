import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { amplifyConfig, envFile, type FrontendTarget } from '../../../src/client/frontend-config.js';
import { localPool } from '../../../src/local/cognito.js';
import { defaultStackModel } from '../../../src/core/stack-model.js';
import { userPoolSettings } from '../../../src/deploy/template.js';
import { generatedTemplate } from '../../helpers/template.js';

const LOCAL_POOL = localPool(defaultStackModel());
import { ProjectState } from '../../../src/core/targets.js';
import { runCli, tempDir } from '../../helpers/run-cli.js';

const LOCAL: FrontendTarget = {
  name: 'local',
  kind: 'local',
  apiUrl: 'http://127.0.0.1:3999',
  region: 'local',
  userPoolId: 'local_abc123',
  clientId: 'client123',
  cognitoEndpoint: 'http://127.0.0.1:9999',
};
const DEPLOYED: FrontendTarget = {
  name: 'shop',
  kind: 'aws',
  apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf',
  clientId: 'client456',
};

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(async () => {
  await tmp?.cleanup();
  tmp = undefined;
});

describe('the Amplify configuration', () => {
  it('for a deployed stack is Gen 2 outputs that Amplify.configure reads into the pool, client, password rules and email sign-in', async () => {
    const { template } = generatedTemplate();
    const file = amplifyConfig(DEPLOYED, userPoolSettings(template, { PasswordMinimumLength: '12', PasswordRequireSymbols: 'false' }));
    expect(file).toMatchObject({ version: '1.4', auth: { aws_region: 'eu-west-1', username_attributes: ['email'], user_verification_types: ['email'] } });
    Amplify.configure(JSON.parse(JSON.stringify(file)));
    const cognito = Amplify.getConfig().Auth!.Cognito;
    expect(cognito).toMatchObject({
      userPoolId: 'eu-west-1_AbCdEf',
      userPoolClientId: 'client456',
      loginWith: { email: true, phone: false, username: false },
      passwordFormat: { minLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSpecialCharacters: false },
    });
    expect(cognito.userPoolEndpoint).toBeUndefined();
    expect((file.custom as any).API.authstack).toEqual({
      endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      region: 'eu-west-1',
      apiName: 'authstack',
    });
  });

  it('for the local stack gives Amplify the same Auth settings as a deployed stack would, plus the local userPoolEndpoint and the REST API', async () => {
    const { template } = generatedTemplate();
    const local = parseAmplifyConfig(JSON.parse(JSON.stringify(amplifyConfig(LOCAL, LOCAL_POOL))));
    const deployed = parseAmplifyConfig(JSON.parse(JSON.stringify(amplifyConfig({ ...LOCAL, kind: 'aws' }, userPoolSettings(template)))));
    const { userPoolEndpoint, ...rest } = local.Auth!.Cognito as unknown as Record<string, unknown>;
    expect(userPoolEndpoint).toBe('http://127.0.0.1:9999');
    expect(rest).toEqual(JSON.parse(JSON.stringify(deployed.Auth!.Cognito)));
    expect(local.API?.REST?.authstack).toEqual({ endpoint: 'http://127.0.0.1:3999', region: 'local' });
    Amplify.configure(JSON.parse(JSON.stringify(amplifyConfig(LOCAL, LOCAL_POOL))));
    expect(Amplify.getConfig().Auth!.Cognito.userPoolEndpoint).toBe('http://127.0.0.1:9999');
  });

  it('carries the hosted sign-in (domain, scopes, redirect URLs, code) that Amplify reads for signInWithRedirect, deployed and local', () => {
    const hostedUi = {
      domainUrl: 'https://shop-123456789012.auth.eu-west-1.amazoncognito.com',
      callbackUrls: ['http://localhost:5173/callback'],
      logoutUrls: ['http://localhost:5173/'],
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    };
    const expected = {
      domain: 'shop-123456789012.auth.eu-west-1.amazoncognito.com',
      scopes: hostedUi.scopes,
      redirectSignIn: hostedUi.callbackUrls,
      redirectSignOut: hostedUi.logoutUrls,
      responseType: 'code',
    };
    Amplify.configure(JSON.parse(JSON.stringify(amplifyConfig({ ...DEPLOYED, hostedUi }, {}))));
    expect(Amplify.getConfig().Auth!.Cognito.loginWith!.oauth).toMatchObject(expected);
    const local = parseAmplifyConfig(
      JSON.parse(JSON.stringify(amplifyConfig({ ...LOCAL, hostedUi: { ...hostedUi, domainUrl: 'http://127.0.0.1:9999' } }, LOCAL_POOL))),
    );
    expect(local.Auth!.Cognito.loginWith!.oauth).toMatchObject({ ...expected, domain: '127.0.0.1:9999' });
  });

  it('uses the custom domain as the API endpoint when the stack has one', () => {
    const file = amplifyConfig({ ...DEPLOYED, customDomainUrl: 'https://api.example.com/' }, {});
    expect((file.custom as any).API.authstack.endpoint).toBe('https://api.example.com');
  });
});

describe('the .env file', () => {
  it('names the pool, client, region, API URL and local Cognito endpoint with the chosen prefix', () => {
    const text = envFile(LOCAL, 'VITE_');
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l)).toEqual([
      'VITE_AUTHSTACK_API_URL=http://127.0.0.1:3999',
      'VITE_AUTHSTACK_REGION=local',
      'VITE_AUTHSTACK_USER_POOL_ID=local_abc123',
      'VITE_AUTHSTACK_USER_POOL_CLIENT_ID=client123',
      'VITE_AUTHSTACK_COGNITO_ENDPOINT=http://127.0.0.1:9999',
    ]);
  });

  it('leaves the Cognito endpoint empty for a deployed stack, so code passes it on unchanged', () => {
    expect(envFile(DEPLOYED, 'NEXT_PUBLIC_')).toContain('\nNEXT_PUBLIC_AUTHSTACK_COGNITO_ENDPOINT=\n');
  });
});

describe('authstack outputs --format', () => {
  async function localWorkspace() {
    tmp = await tempDir();
    await new ProjectState(tmp.dir).saveTarget({ ...LOCAL, localDataDir: join(tmp.dir, '.authstack', 'local') });
    return tmp.dir;
  }

  it('writes amplify_outputs.json for the recorded local target, with its Cognito endpoint', async () => {
    const dir = await localWorkspace();
    const r = await runCli(['outputs', '--format', 'amplify', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ format: 'amplify', file: join(dir, 'amplify_outputs.json'), target: 'local', overwritten: false });
    const doc = JSON.parse(await readFile(join(dir, 'amplify_outputs.json'), 'utf8'));
    expect(doc.Auth.Cognito).toMatchObject({ userPoolId: 'local_abc123', userPoolClientId: 'client123', userPoolEndpoint: 'http://127.0.0.1:9999' });
  });

  it('writes .env.local with VITE_ variables by default and NEXT_PUBLIC_ ones with --env-prefix', async () => {
    const dir = await localWorkspace();
    expect((await runCli(['outputs', '--format', 'env'], { cwd: dir })).code).toBe(0);
    expect(await readFile(join(dir, '.env.local'), 'utf8')).toContain('\nVITE_AUTHSTACK_USER_POOL_ID=local_abc123\n');
    expect((await runCli(['outputs', '--format', 'env', '--env-prefix', 'NEXT_PUBLIC_', '--out', 'web/.env.local'], { cwd: dir })).code).toBe(0);
    expect(await readFile(join(dir, 'web', '.env.local'), 'utf8')).toContain('\nNEXT_PUBLIC_AUTHSTACK_API_URL=http://127.0.0.1:3999\n');
  });

  it('never overwrites a file authstack did not write, unless --force; its own file it rewrites', async () => {
    const dir = await localWorkspace();
    const file = join(dir, 'amplify_outputs.json');
    const theirs = '{"version":"1.4","auth":{"user_pool_id":"theirs"}}\n';
    await writeFile(file, theirs);
    const refused = await runCli(['outputs', '--format', 'amplify'], { cwd: dir });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('was not written by authstack');
    expect(refused.stderr).toContain('--force');
    expect(await readFile(file, 'utf8')).toBe(theirs);
    expect((await runCli(['outputs', '--format', 'amplify', '--force'], { cwd: dir })).code).toBe(0);
    const again = await runCli(['outputs', '--format', 'amplify', '--json'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.json().overwritten).toBe(true);
  });

  it('prints the configuration instead with --out -', async () => {
    const dir = await localWorkspace();
    const r = await runCli(['outputs', '--format', 'amplify', '--out', '-'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Auth.Cognito.userPoolEndpoint).toBe('http://127.0.0.1:9999');
  });

  it('rejects an unknown format or a prefix that is not a variable name, in one line', async () => {
    const dir = await localWorkspace();
    const bad = await runCli(['outputs', '--format', 'yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of amplify, env');
    const prefix = await runCli(['outputs', '--format', 'env', '--env-prefix', 'A B'], { cwd: dir });
    expect(prefix.code).toBe(2);
  });
});
