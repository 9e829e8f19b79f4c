import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProjectConfig, readProjectConfig } from '../../../src/core/project-config.js';
import { DEFAULTS, buildStackModel } from '../../../src/core/stack-model.js';
import { localClient, localPool } from '../../../src/local/cognito.js';
import { userPoolSettings } from '../../../src/deploy/template.js';
import { poolTemplate } from '../../../src/deploy/template/index.js';
import { generatedTemplate } from '../../helpers/template.js';
import { tempDir } from '../../helpers/run-cli.js';

describe('authstack.config.json, checked in one pass', () => {
  it('accepts every key the README documents, and keeps the values typed', () => {
    const value = {
      stackName: 'shop',
      region: 'eu-west-1',
      domain: 'API.Example.com.',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      stage: 'v1',
      logRetentionInDays: 14,
      corsOrigin: 'https://app.example.com/',
      groups: ['admin', 'editor', 'admin'],
      passwordPolicy: { minimumLength: 12, requireSymbols: false },
      deletionProtection: 'INACTIVE',
      sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      sesFromAddress: 'Shop <no-reply@example.com>',
      accessTokenValidityMinutes: 15,
      idTokenValidityMinutes: 15,
      refreshTokenValidityDays: 7,
      callbackUrls: ['https://app.example.com/callback', 'myapp://callback'],
      logoutUrls: ['https://app.example.com/'],
      authDomainPrefix: 'shop-login',
      memorySize: 512,
      timeout: 20,
    };
    const { config, problems } = checkProjectConfig(value);
    expect(problems).toEqual([]);
    expect(config).toEqual({ ...value, domain: 'api.example.com', corsOrigin: 'https://app.example.com', groups: ['admin', 'editor'] });
  });

  it('names every problem by its key path, unknown keys included, in one pass', () => {
    const { problems } = checkProjectConfig({
      stackName: 42,
      logRetentionInDays: 8,
      groups: ['ok', 'b a d', 'c', 'd', 'e', 'f'],
      passwordPolicy: { minimumLength: 5, requireNumbers: 'yes', requireEmoji: true },
      callbackUrls: ['http://app.example.com/callback'],
      timeout: 30,
      colour: 'blue',
    });
    expect(problems).toEqual([
      '"stackName": 42 is not a valid stack name (letters, digits and hyphens, starting with a letter, at most 120)',
      '"logRetentionInDays" must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 8',
      '"groups" holds at most 5 entries, got 6',
      '"groups[1]" must be a group name (letters, digits and + = . @ - _, at most 128), got "b a d"',
      '"passwordPolicy.minimumLength" must be between 6 and 99, got 5',
      '"passwordPolicy.requireNumbers" must be true or false',
      '"passwordPolicy.requireEmoji" is not a setting authstack knows (known: minimumLength, requireUppercase, requireLowercase, requireNumbers, requireSymbols)',
      '"callbackUrls[0]" must use https (plain http only for localhost, as Cognito requires), got "http://app.example.com/callback"',
      '"timeout" must be between 1 and 29, got 30',
      expect.stringMatching(/^"colour" is not a setting authstack knows \(known: \$schema, stackName, region, /),
    ]);
    expect(checkProjectConfig([1, 2]).problems).toEqual(['the file must hold one JSON object']);
  });

  describe('read from a project folder', () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    beforeEach(async () => {
      tmp = await tempDir();
    });
    afterEach(async () => tmp.cleanup());

    it('is {} when there is no file, and a usage error (exit 2) listing the problems on one line otherwise', async () => {
      expect(await readProjectConfig(tmp.dir)).toEqual({});
      await writeFile(join(tmp.dir, 'authstack.config.json'), JSON.stringify({ stage: 'a/b', region: 'moon' }));
      const error = await readProjectConfig(tmp.dir).then(
        () => ({ message: 'no error', exitCode: 0 }),
        (e: unknown) => e as { message: string; exitCode: number },
      );
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `${join(tmp.dir, 'authstack.config.json')}: "stage" must be letters, digits, hyphens or underscores (at most 128), got "a/b"; "region" must be an AWS region such as us-east-1, got "moon".`,
      );
      expect(error.message).not.toContain('\n');
    });
  });
});

describe('the stack model', () => {
  it('states each default once: the template parameters, the local pool and the local client all take it', () => {
    const model = buildStackModel();
    const { template } = generatedTemplate(model);
    expect(template.Parameters!.StageName!.Default).toBe(DEFAULTS.stage);
    expect(template.Parameters!.LogRetentionInDays!.Default).toBe(DEFAULTS.logRetentionInDays);
    expect(template.Parameters!.AccessTokenValidityMinutes!.Default).toBe(DEFAULTS.client.accessTokenValidityMinutes);
    expect(localClient(model).AccessTokenValidity).toBe(DEFAULTS.client.accessTokenValidityMinutes);
    expect(localPool(model).Policies.PasswordPolicy.MinimumLength).toBe(DEFAULTS.pool.passwordPolicy.minimumLength);
  });

  it('gives dev the password policy, token lifetimes, callback URLs and flows a deploy of the same configuration gets', () => {
    const config = checkProjectConfig({
      passwordPolicy: { minimumLength: 12, requireSymbols: false },
      accessTokenValidityMinutes: 15,
      refreshTokenValidityDays: 2,
      callbackUrls: ['https://app.example.com/callback'],
      logoutUrls: ['https://app.example.com/'],
      groups: ['admin'],
    }).config;
    const model = buildStackModel(config);
    const { template } = generatedTemplate(model);
    const deployedPool = userPoolSettings(template) as { Policies: { PasswordPolicy: Record<string, unknown> } };
    expect(localPool(model).Policies.PasswordPolicy).toEqual(deployedPool.Policies.PasswordPolicy);
    expect(userPoolSettings(poolTemplate(model))).toEqual(userPoolSettings(template));
    const client = template.Resources.UserPoolClient!.Properties!;
    const local = localClient(model);
    expect(local.ExplicitAuthFlows).toEqual(client.ExplicitAuthFlows);
    expect(local.AllowedOAuthFlows).toEqual(client.AllowedOAuthFlows);
    expect(local.AllowedOAuthScopes).toEqual(client.AllowedOAuthScopes);
    expect(local.AccessTokenValidity).toBe(template.Parameters!.AccessTokenValidityMinutes!.Default);
    expect(local.RefreshTokenValidity).toBe(template.Parameters!.RefreshTokenValidityDays!.Default);
    expect(local.CallbackURLs.join(',')).toBe(template.Parameters!.CallbackUrls!.Default);
    expect(local.LogoutURLs.join(',')).toBe(template.Parameters!.LogoutUrls!.Default);
    expect(model.groups.join(',')).toBe(template.Parameters!.UserGroups!.Default);
  });

  it('declares the built-in API as its first function, proxied on / and every path below', () => {
    const model = buildStackModel({ memorySize: 512 });
    expect(model.functions[0]).toMatchObject({ id: 'api', handler: 'index.handler', memorySize: 512, timeout: DEFAULTS.api.timeout });
    expect(model.routes).toEqual([
      { method: 'ANY', path: '/', functionId: 'api' },
      { method: 'ANY', path: '/{proxy+}', functionId: 'api' },
    ]);
  });
});
