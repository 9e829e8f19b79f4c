/**
 * The project's own Cognito triggers, fired by `authstack dev` where Cognito fires them, through the front-end
 * library real apps use (aws-amplify v6: signUp, signIn with SRP, fetchAuthSession refresh), the hosted sign-in
 * page and the CLI. One dev for the file; the triggers are small TypeScript files of the project, bundled and run in
 * the function runtime as on AWS.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_URLS } from '../../src/core/hosted-ui.js';
import { readLatestCode } from '../../src/local/mailbox.js';
import { startDevInProcess, type DevInProcess } from '../helpers/dev-in-process.js';
import { workspace } from '../helpers/e2e.js';
import { PageClient } from '../helpers/hosted-ui.js';
import { createLocalAuthorizer } from '../../src/local/authorizer/index.js';
import { LAMBDA_OWN_VARIABLES } from '../../src/local/functions/runtime.js';

const PASSWORD = 'Corr3ct-horse!';
const unique = (tag: string, domain = 'example.com') => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@${domain}`;

/** The project's trigger files: each does what a real app's does, and says so. */
const FILES: Record<string, string> = {
  'authstack.config.json': JSON.stringify({
    triggers: {
      preSignUp: 'auth/pre-sign-up.ts#handler',
      postConfirmation: 'auth/post-confirmation.ts#handler',
      preAuthentication: 'auth/pre-authentication.ts#handler',
      postAuthentication: 'auth/post-authentication.ts#handler',
      preTokenGeneration: 'auth/pre-token-generation.ts#handler',
      customMessage: 'auth/custom-message.ts#handler',
    },
    routes: { 'GET /me': { handler: 'api/me.ts#handler', access: 'signed-in' } },
  }),
  'auth/pre-sign-up.ts': `import type { PreSignUpEvent } from 'authstack';
export const handler = async (event: PreSignUpEvent) => {
  const email = event.request.userAttributes.email ?? '';
  if (email.endsWith('@blocked.example')) throw new Error('Sign-ups from blocked.example are not allowed');
  if (email.endsWith('@auto.example')) {
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;
  }
  return event;
};
`,
  'auth/post-confirmation.ts': `import { appendFileSync } from 'node:fs';
// The bundle runs from .authstack/build/handlers/<bundle>/index.mjs: the project is four folders up.
export const handler = async (event: any) => {
  appendFileSync(new URL('../../../../confirmed.log', import.meta.url), JSON.stringify({ source: event.triggerSource, email: event.request.userAttributes.email, sub: event.request.userAttributes.sub }) + '\\n');
  return event;
};
`,
  'auth/pre-authentication.ts': `export const handler = async (event: any) => {
  if (String(event.request.userAttributes.email).startsWith('locked-')) throw new Error('This account is locked');
  return event;
};
`,
  'auth/post-authentication.ts': `import { writeFileSync } from 'node:fs';
export const handler = async (event: any) => {
  console.log('signed in', event.request.userAttributes.email, event.triggerSource);
  // What the function's environment holds, for the test to compare with what Lambda gives a trigger.
  writeFileSync(new URL('../../../../trigger-env.json', import.meta.url), JSON.stringify({ env: process.env, region: event.region, userPoolId: event.userPoolId }));
  return event;
};
`,
  'auth/pre-token-generation.ts': `import type { PreTokenGenerationV2Event } from 'authstack';
export const handler = async (event: PreTokenGenerationV2Event) => {
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme', level: 3, source: event.triggerSource, sub: 'not-allowed' } },
      accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme', source: event.triggerSource }, scopesToAdd: ['acme/read'] },
    },
  };
  return event;
};
`,
  'auth/custom-message.ts': `export const handler = async (event: any) => {
  event.response.emailSubject = 'Welcome to Acme';
  event.response.emailMessage = 'Your Acme code is ' + event.request.codeParameter + ' (' + event.triggerSource + ')';
  return event;
};
`,
  'api/me.ts': `export const handler = async (event: any) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer.claims) });
`,
};

let ws: Awaited<ReturnType<typeof workspace>>;
let dev: DevInProcess;
let outputs: { Auth: { Cognito: { userPoolClientId: string; userPoolEndpoint: string } } };

beforeAll(async () => {
  ws = await workspace();
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(join(ws.cwd, file, '..'), { recursive: true });
    await writeFile(join(ws.cwd, file), text);
  }
  // The trigger files import the package's types by name, as a project that installed authstack does.
  await mkdir(join(ws.cwd, 'node_modules', 'authstack'), { recursive: true });
  await writeFile(join(ws.cwd, 'node_modules', 'authstack', 'package.json'), JSON.stringify({ name: 'authstack', type: 'module', types: './index.d.ts' }));
  await writeFile(join(ws.cwd, 'node_modules', 'authstack', 'index.d.ts'), await readFile(new URL('../../index.d.ts', import.meta.url), 'utf8'));
  // A variable of the CLI's own environment: the stack's functions see it, a trigger (as on AWS) does not. The
  // environment check below reads what post authentication wrote at the sign-ins before it.
  process.env.AUTHSTACK_TRIGGERS_CANARY = 'the CLI environment';
  dev = await startDevInProcess(ws.cwd, ['--watch'], { env: ws.env });
  const r = await dev.run(['outputs', '--format', 'amplify']);
  expect(r.code, r.stderr).toBe(0);
  outputs = JSON.parse(await readFile(join(ws.cwd, 'amplify_outputs.json'), 'utf8'));
  Amplify.configure(outputs as never);
}, 90_000);

afterAll(async () => {
  await signOut().catch(() => undefined);
  await dev?.stop();
  await ws?.cleanup();
  delete process.env.AUTHSTACK_TRIGGERS_CANARY;
});

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

async function thrown(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

async function mailbox(): Promise<{ to: string; code: string; kind: string; subject?: string; text?: string }[]> {
  return (JSON.parse(await readFile(join(ws.cwd, '.authstack', 'local', 'mailbox.json'), 'utf8')) as { messages: never[] }).messages;
}

describe('pre sign-up and post confirmation through Amplify', () => {
  it("refuses a sign-up the trigger refuses with UserLambdaValidationException and the trigger's message, creating no user", async () => {
    const email = unique('refused', 'blocked.example');
    const error = await thrown(signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } }));
    // Cognito's form: "<Trigger> failed with error <message>." (aws-amplify/amplify-ui-android#314).
    expect(error).toEqual({ name: 'UserLambdaValidationException', message: 'PreSignUp failed with error Sign-ups from blocked.example are not allowed.' });
    const list = await dev.run(['users', 'list', '--json']);
    expect(list.stdout).not.toContain(email);
  });

  it('signs up with a code the custom message trigger wrote (in the mailbox), confirms, and post confirmation records the user', async () => {
    const email = unique('coded');
    const up = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    expect(up.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    const code = await readLatestCode(join(ws.cwd, '.authstack', 'local'), email, ['signup']);
    const message = (await mailbox()).find((m) => m.to === email)!;
    expect(message).toMatchObject({ subject: 'Welcome to Acme', text: `Your Acme code is ${code} (CustomMessage_SignUp)` });
    await confirmSignUp({ username: email, confirmationCode: code! });
    const log = await readFile(join(ws.cwd, 'confirmed.log'), 'utf8');
    expect(log).toContain(JSON.stringify({ source: 'PostConfirmation_ConfirmSignUp', email }).slice(0, -1));
  });

  it('auto-confirms (and verifies) a user the trigger confirms: no code is sent, and the user signs in with SRP at once', async () => {
    const email = unique('auto', 'auto.example');
    const up = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    expect(up).toMatchObject({ isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } });
    expect((await mailbox()).filter((m) => m.to === email)).toEqual([]);
    // Cognito sends post confirmation for a user pre sign-up confirmed too.
    expect(await readFile(join(ws.cwd, 'confirmed.log'), 'utf8')).toContain(email);
    expect(await signIn({ username: email, password: PASSWORD })).toMatchObject({ isSignedIn: true });
    const { tokens } = await fetchAuthSession();
    expect(claims(tokens!.idToken!.toString())).toMatchObject({ email_verified: true });
    await signOut();
  });
});

describe('pre token generation V2 on every token issue', () => {
  const email = unique('tokens', 'auto.example');

  it('adds the claim to both tokens on an SRP sign-in (TokenGeneration_Authentication), refusing the override of sub', async () => {
    await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    await signIn({ username: email, password: PASSWORD });
    const { tokens, userSub } = await fetchAuthSession();
    const id = claims(tokens!.idToken!.toString());
    const access = claims(tokens!.accessToken.toString());
    expect(id).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_Authentication' });
    expect(access).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_Authentication' });
    expect(String(access.scope).split(' ')).toEqual(expect.arrayContaining(['aws.cognito.signin.user.admin', 'acme/read']));
    // sub is one of the claims Cognito keeps as it wrote it.
    expect(id.sub).toBe(userSub);
  });

  it('adds it again on a refresh (fetchAuthSession forceRefresh: TokenGeneration_RefreshTokens)', async () => {
    const { tokens } = await fetchAuthSession({ forceRefresh: true });
    expect(claims(tokens!.idToken!.toString())).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_RefreshTokens' });
    expect(claims(tokens!.accessToken.toString())).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_RefreshTokens' });
  });

  it("reaches a protected route through the local gateway: requestContext.authorizer.claims holds the trigger's claims, as strings", async () => {
    const { tokens } = await fetchAuthSession();
    const res = await fetch(`${dev.target.apiUrl}/me`, { headers: { Authorization: tokens!.idToken!.toString() } });
    expect(res.status).toBe(200);
    // API Gateway's Cognito authorizer passes every claim as a string (the REST API's claims map).
    expect(await res.json()).toMatchObject({ tenant: 'acme', level: '3', source: 'TokenGeneration_RefreshTokens', email });
    expect((await fetch(`${dev.target.apiUrl}/me`)).status).toBe(401);
  });

  it("reaches a protected route's claims: API Gateway's Cognito authorizer (the local one the gateway runs) admits the token and passes the claim", async () => {
    const { tokens } = await fetchAuthSession();
    const issuer = `${dev.target.cognitoEndpoint}/${dev.target.userPoolId}`;
    const authorizer = createLocalAuthorizer({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      clientIds: [dev.target.clientId],
      now: Date.now,
      corsOrigin: '*',
    });
    const result = await authorizer.authorize({ kind: 'signed-in' }, { Authorization: tokens!.idToken!.toString() });
    expect(result).toMatchObject({ ok: true, claims: { tenant: 'acme', email, source: 'TokenGeneration_RefreshTokens' } });
    await signOut();
  });

  it('adds it to the tokens of the hosted sign-in page (TokenGeneration_HostedAuth at the code exchange)', async () => {
    const { userPoolClientId: clientId, userPoolEndpoint: endpoint } = outputs.Auth.Cognito;
    const origin = new URL(endpoint).origin;
    const redirectUri = DEFAULT_CALLBACK_URLS[0]!;
    const browser = new PageClient(origin);
    const page = await browser.get(
      `${origin}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid email' })}`,
    );
    const done = await browser.submit(page, { username: email, password: PASSWORD });
    const code = new URL(done.location!).searchParams.get('code')!;
    const res = await fetch(`${origin}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId }),
    });
    const body = (await res.json()) as { id_token: string; access_token: string };
    expect(claims(body.id_token)).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_HostedAuth' });
    expect(claims(body.access_token)).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_HostedAuth' });
  });
});

describe('pre and post authentication, and the CLI', () => {
  it("refuses the sign-in the pre authentication trigger refuses, through Amplify's SRP and the CLI's login (one line)", async () => {
    const email = unique('locked', 'auto.example');
    await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    expect(await thrown(signIn({ username: email, password: PASSWORD }))).toEqual({
      name: 'UserLambdaValidationException',
      message: 'PreAuthentication failed with error This account is locked.',
    });
    const login = await dev.run(['login', email, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain('PreAuthentication failed with error This account is locked.');
    expect(
      login.stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('PreAuthentication')),
    ).toHaveLength(1);
  });

  it('fires pre sign-up for users create (AdminCreateUser) and refuses it in one line; the invitation goes through the custom message', async () => {
    const refused = await dev.run(['users', 'create', unique('invite', 'blocked.example')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('PreSignUp failed with error Sign-ups from blocked.example are not allowed.');
    const invited = unique('invite');
    const created = await dev.run(['users', 'create', invited]);
    expect(created.code, created.stderr).toBe(0);
    expect((await mailbox()).find((m) => m.to === invited)).toMatchObject({
      subject: 'Welcome to Acme',
      text: expect.stringContaining('(CustomMessage_AdminCreateUser)'),
    });
  });

  it("shows each invocation in dev's log: trigger, trigger source, outcome, duration and what it wrote", () => {
    const log = dev.output();
    expect(log).toMatch(/TRIGGER\s+preSignUp PreSignUp_SignUp 200 [\d.]+ ms/);
    expect(log).toMatch(/TRIGGER\s+preSignUp PreSignUp_SignUp 400 [\d.]+ ms\s+PreSignUp failed with error/);
    expect(log).toMatch(/TRIGGER\s+postAuthentication PostAuthentication_Authentication 200/);
    expect(log).toContain('signed in');
  });
});

describe("a trigger's function as Lambda runs it", () => {
  it("sees only Lambda's own variables: no pool or client id, none of the API's variables, nothing of the CLI's environment (the event carries the pool id)", async () => {
    const { env, region, userPoolId } = JSON.parse(await readFile(join(ws.cwd, 'trigger-env.json'), 'utf8')) as {
      env: Record<string, string>;
      region: string;
      userPoolId: string;
    };
    expect(userPoolId).toBe(dev.target.userPoolId);
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    expect(env).toMatchObject({ AWS_REGION: region, AWS_LAMBDA_FUNCTION_NAME: 'authstack-local-trigger-post-authentication', _HANDLER: 'index.handler' });
    const lambdas = new Set([...LAMBDA_OWN_VARIABLES, '_HANDLER', 'AWS_EXECUTION_ENV']);
    expect(Object.keys(env).filter((name) => !lambdas.has(name) && !name.startsWith('AWS_LAMBDA_'))).toEqual([]);
    expect(JSON.stringify(env)).not.toContain(dev.target.userPoolId);
  });
});

describe('dev --watch', () => {
  const file = () => join(ws.cwd, 'auth', 'pre-sign-up.ts');
  const refusal = async () =>
    (
      await thrown(
        signUp({
          username: unique('watch', 'blocked.example'),
          password: PASSWORD,
          options: { userAttributes: { email: unique('watch', 'blocked.example') } },
        }),
      )
    ).message;

  /** Polls (the watcher is asynchronous) until `check` holds. */
  async function until(check: () => Promise<boolean> | boolean): Promise<void> {
    const started = performance.now();
    while (!(await check())) {
      if (performance.now() - started > 20_000) throw new Error('still not so after 20 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('reloads an edited trigger: its bundle is rebuilt and the next invocation runs the new code', async () => {
    const before = dev.output().length;
    const source = await readFile(file(), 'utf8');
    await writeFile(file(), source.replace('are not allowed', 'are closed'));
    await until(() => /auth\/pre-sign-up\.ts rebuilt and reloaded in \d+ ms \(trigger-pre-sign-up\)/.test(dev.output().slice(before)));
    expect(await refusal()).toBe('PreSignUp failed with error Sign-ups from blocked.example are closed.');
    expect(dev.output().slice(before)).not.toMatch(/auth\/(post|custom|pre-token)[a-z-]*\.ts rebuilt/);
  });

  it('a compile error prints the file and line and keeps the last good build running', async () => {
    const good = await readFile(file(), 'utf8');
    const before = dev.output().length;
    await writeFile(file(), `${good}\nexport const broken = ;\n`);
    await until(() => /still serving the last good build of auth\/pre-sign-up\.ts/.test(dev.output().slice(before)));
    expect(dev.output().slice(before)).toMatch(/auth\/pre-sign-up\.ts:\d+:\d+: Unexpected ";"/);
    expect(await refusal()).toBe('PreSignUp failed with error Sign-ups from blocked.example are closed.');
    await writeFile(file(), good);
  });
});
