/**
 * The hosted sign-in on AWS: the template's user pool domain and OAuth app client, its defaults shared with the
 * local stack and `login --browser`, and the deploy flags that set them.
 */
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { DEFAULT_CALLBACK_URLS, DEFAULT_LOGOUT_URLS, OAUTH_SCOPES, domainLabel, isDomainPrefix } from '../../../src/core/hosted-ui.js';
import { generatedTemplate } from '../../helpers/template.js';
import { deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

const stack = () => w!.aws.cfn.get('authstack');

describe("the template's hosted sign-in", () => {
  it('defaults its callback and sign-out URLs to the loopback URLs login --browser and the local stack use', async () => {
    const { template } = generatedTemplate();
    expect(template.Parameters!.CallbackUrls!.Default).toBe(DEFAULT_CALLBACK_URLS.join(','));
    expect(template.Parameters!.LogoutUrls!.Default).toBe(DEFAULT_LOGOUT_URLS.join(','));
  });

  it('gives the app client the code grant, the scopes, Cognito as identity provider, and a user pool domain', async () => {
    const { template } = generatedTemplate();
    expect(template.Resources.UserPoolClient!.Properties).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: [...OAUTH_SCOPES],
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(template.Resources.UserPoolDomain).toMatchObject({ Type: 'AWS::Cognito::UserPoolDomain' });
  });

  it('derives a domain label that, with the account id appended, is always a valid prefix', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,119}$/), (name) => {
        const label = domainLabel(name);
        expect(isDomainPrefix(`${label}-123456789012`)).toBe(true);
        expect(domainLabel(name)).toBe(label);
      }),
    );
    expect(domainLabel('My-AWS-Cognito-Stack')).toBe('my-x-x-stack');
  });
});

describe('authstack deploy: hosted sign-in flags', () => {
  it('creates the domain <stack>-<account>, shows the sign-in URL and issuer, and records them for login --browser', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--json']);
    expect(r.code).toBe(0);
    const domain = stack()!.resources.get('UserPoolDomain')!.physicalId;
    expect(domain).toMatch(/^authstack-\d{12}$/);
    const outputs = r.json().outputs as Record<string, string>;
    const poolId = stack()!.resources.get('UserPool')!.physicalId;
    expect(outputs.AuthDomainUrl).toBe(`https://${domain}.auth.us-east-1.amazoncognito.com`);
    expect(outputs.SignInUrl).toContain(`https://${domain}.auth.us-east-1.amazoncognito.com/login?client_id=`);
    expect(outputs.SignInUrl).toContain(`redirect_uri=${DEFAULT_CALLBACK_URLS[0]}`);
    expect(outputs.OidcIssuer).toContain(poolId);
    const targets = JSON.parse(await readFile(join(w.dir, '.authstack', 'targets.json'), 'utf8'));
    expect(targets.targets.authstack.hostedUi).toEqual({
      domainUrl: outputs.AuthDomainUrl,
      callbackUrls: [...DEFAULT_CALLBACK_URLS],
      logoutUrls: [...DEFAULT_LOGOUT_URLS],
      scopes: [...OAUTH_SCOPES],
    });
  });

  it('passes repeated --callback-url and --logout-url, and --auth-domain-prefix, as the template parameters', async () => {
    w = await deployWorld();
    const r = await w.deploy([
      '--callback-url',
      'https://app.example.com/callback',
      '--callback-url',
      'http://localhost:5173/',
      '--logout-url',
      'https://app.example.com/',
      '--auth-domain-prefix',
      'my-app-login',
    ]);
    expect(r.code).toBe(0);
    // Exactly as typed: Cognito compares a redirect_uri with them character for character, trailing slash included.
    expect(stack()!.parameters).toMatchObject({
      CallbackUrls: 'https://app.example.com/callback,http://localhost:5173/',
      LogoutUrls: 'https://app.example.com/',
      AuthDomainPrefix: 'my-app-login',
    });
    expect(stack()!.resources.get('UserPoolDomain')!.physicalId).toBe('my-app-login');
  });

  it('refuses a redirect URL Cognito would refuse, in one line, before any AWS call; an app scheme is fine', async () => {
    w = await deployWorld();
    for (const [url, problem] of [
      ['http://app.example.com/callback', /must use https \(plain http only for localhost/],
      ['https://app.example.com/#/callback', /must not have a fragment/],
      ['/callback', /must be an absolute URL/],
      ['https://a.example.com/,https://b.example.com/', /takes one URL; repeat the flag/],
    ] as const) {
      const r = await w.deploy(['--callback-url', url]);
      expect([r.code, r.stderr.trim().split('\n')]).toEqual([2, [expect.stringMatching(problem)]]);
    }
    expect(w.aws.calls).toEqual([]);
    expect((await w.deploy(['--callback-url', 'myapp://callback', '--logout-url', 'http://localhost:5173/'])).code).toBe(0);
    expect(stack()!.parameters).toMatchObject({ CallbackUrls: 'myapp://callback', LogoutUrls: 'http://localhost:5173/' });
  });

  it('refuses a prefix Cognito would refuse, in one line, before any AWS call', async () => {
    w = await deployWorld();
    const r = await w.deploy(['--auth-domain-prefix', 'My_Cognito']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--auth-domain-prefix must be lower-case/);
    expect(w.aws.calls).toEqual([]);
  });
});
