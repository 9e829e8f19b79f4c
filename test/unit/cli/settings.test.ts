import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/run-cli.js';
import { SECONDS_SETTINGS } from '../../../src/core/parse.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (tmp = await tempDir()));
afterAll(async () => tmp.cleanup());

describe('numeric environment settings', () => {
  it('a malformed one is a one-line configuration error (exit 2) for any command, never replaced by the default', async () => {
    for (const name of Object.keys(SECONDS_SETTINGS)) {
      for (const bad of ['abc', '-1', '0', '1e9', '10s']) {
        const r = await runCli(['health', '--api-url', 'http://127.0.0.1:1'], { cwd: tmp.dir, env: { [name]: bad } });
        expect(r.code, `${name}=${bad}`).toBe(2);
        expect(r.stderr.trim(), `${name}=${bad}`).toMatch(
          new RegExp(`^error: ${name} must be a number of seconds from [\\d.]+ to 3600, got "${bad.replace(/[.]/g, '\\.')}"\\.$`),
        );
      }
    }
    const json = await runCli(['token', '--json'], { cwd: tmp.dir, env: { AUTHSTACK_COGNITO_TIMEOUT: 'abc' } });
    expect(json.json()).toEqual({
      error: { code: 'UsageError', message: 'AUTHSTACK_COGNITO_TIMEOUT must be a number of seconds from 0.1 to 3600, got "abc".' },
    });
  });
});
