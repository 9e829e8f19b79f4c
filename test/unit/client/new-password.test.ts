import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, scriptedPrompter, tempDir } from '../../helpers/run-cli.js';
import { main } from '../../../src/cli/main.js';
import { ProjectState } from '../../../src/core/targets.js';
import { DEFAULT_PASSWORD_POLICY, brokenPasswordRules, describePasswordPolicy } from '../../../src/core/password-policy.js';
import { passwordPolicyViolation } from '../../../src/local/password-policy.js';
import { deployWorld } from '../deploy/helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let url = '';
/** The passwords the API was sent. */
let received: string[] = [];

beforeAll(async () => {
  tmp = await tempDir();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body || '{}').password);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ userSub: 'sub-1', userConfirmed: false, codeDeliveryDetails: { destination: 'a***@e***' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new ProjectState(tmp.dir).saveTarget({
    name: 'prod',
    kind: 'aws',
    apiUrl: url,
    region: 'us-east-1',
    userPoolId: 'us-east-1_pool',
    clientId: 'client',
    passwordPolicy: { MinimumLength: 10, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false },
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tmp.cleanup();
});
beforeEach(() => (received = []));

/** Runs signup on a (scripted) terminal and keeps the prompter, to see what was asked and rejected. */
async function signupAt(answers: Record<string, string[]>) {
  const prompt = scriptedPrompter(answers);
  let stdout = '';
  let stderr = '';
  const code = await main(['signup', 'ada@example.com'], {
    streams: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    env: { HOME: tmp.dir, AUTHSTACK_CONFIG_DIR: join(tmp.dir, 'config'), NO_COLOR: '1' },
    cwd: tmp.dir,
    interactive: true,
    prompt,
  });
  return { code, stdout, stderr, prompt };
}

describe("a new password is checked against the pool's policy before it is sent", () => {
  it('the policy check lists every rule a password breaks, and the local Cognito words the first one as Cognito does', () => {
    expect(brokenPasswordRules('abc', DEFAULT_PASSWORD_POLICY).map((b) => b.rule)).toEqual(['length', 'uppercase', 'numbers', 'symbols']);
    expect(brokenPasswordRules('Abcdefg1!', DEFAULT_PASSWORD_POLICY)).toEqual([]);
    expect(brokenPasswordRules('abcdefgh', { MinimumLength: 6 })).toEqual([]);
    expect(passwordPolicyViolation('abc', DEFAULT_PASSWORD_POLICY)).toBe('Password not long enough');
    expect(describePasswordPolicy(DEFAULT_PASSWORD_POLICY)).toBe('at least 8 characters, with a lower-case letter, an upper-case letter, a digit and a symbol');
  });

  it("signup shows the target's policy, re-asks a password that breaks it naming every broken rule, and sends only the accepted one", async () => {
    const r = await signupAt({ 'Password (again)': ['Good-password1'], Password: ['short', 'Good-password1'] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("The user pool's password policy: at least 10 characters, with a lower-case letter, an upper-case letter and a digit.");
    expect(r.prompt.rejected).toEqual(['The password needs at least 10 characters, an upper-case letter and a digit']);
    expect(received).toEqual(['Good-password1']);
    expect(r.stdout).toContain('Signed up ada@example.com');
  });

  it('a confirmation that does not match is asked again, and after three misses nothing is sent (exit 2)', async () => {
    const matched = await signupAt({ 'Password (again)': ['Good-passw0rd', 'Good-password1'], Password: ['Good-password1'] });
    expect(matched.code).toBe(0);
    expect(matched.prompt.rejected).toEqual(['The passwords do not match; type the same one again']);
    received = [];
    const missed = await signupAt({ 'Password (again)': ['a', 'b', 'c'], Password: ['Good-password1'] });
    expect(missed.code).toBe(2);
    expect(missed.stderr.trim().split('\n').pop()).toBe(
      'error: "Password (again)": 3 answers rejected, the last one: The passwords do not match; type the same one again',
    );
    expect(received).toEqual([]);
  });

  it('a piped password that breaks the policy is one usage error naming what it lacks and the policy, with no request', async () => {
    const r = await runCli(['signup', 'ada@example.com', '--password-stdin', '--json'], { cwd: tmp.dir, stdin: 'password' });
    expect(r.code).toBe(2);
    expect(r.json().error).toEqual({
      code: 'InvalidPassword',
      message:
        "The password needs at least 10 characters, an upper-case letter and a digit. The user pool's policy: at least 10 characters, with a lower-case letter, an upper-case letter and a digit.",
    });
    expect(received).toEqual([]);
  });

  it("deploy records the deployed pool's policy (template defaults under the parameters) with the target", async () => {
    const w = await deployWorld();
    try {
      const r = await w.deploy(['--parameter', 'PasswordMinimumLength=12', '--parameter', 'PasswordRequireSymbols=false']);
      expect(r.code).toBe(0);
      const targets = JSON.parse(await readFile(join(w.dir, '.authstack', 'targets.json'), 'utf8'));
      expect(targets.targets.authstack.passwordPolicy).toEqual({
        MinimumLength: 12,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: false,
      });
    } finally {
      await w.cleanup();
    }
  });
});
