import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/run-cli.js';
import { inFakeTime } from '../../helpers/fake-time.js';
import { main } from '../../../src/cli/main.js';
import { plannedAttempts } from '../../../src/core/health.js';

/**
 * health --wait says what it waits for, on a fake clock: the requests are real (a loopback API answering 503),
 * the waiting between them is not.
 */
let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: Server;
let url = '';
let hits = 0;
let onHit: (n: number) => void = () => undefined;

beforeAll(async () => {
  tmp = await tempDir();
  server = createServer((_req, res) => {
    onHit(++hits);
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tmp.cleanup();
});
beforeEach(() => {
  hits = 0;
  onHit = () => undefined;
});

/** Runs the CLI in-process; every stderr write is kept with the (fake) time it was made at. */
async function run(argv: string[], opts: { env?: NodeJS.ProcessEnv; terminal?: boolean; signal?: AbortSignal } = {}) {
  const writes: Array<{ at: number; text: string }> = [];
  let stdout = '';
  const code = await main(argv, {
    streams: {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => writes.push({ at: Date.now(), text: s }), isTTY: opts.terminal },
    },
    env: { HOME: tmp.dir, AUTHSTACK_CONFIG_DIR: join(tmp.dir, 'config'), NO_COLOR: '1', ...opts.env },
    cwd: tmp.dir,
    interactive: false,
    signal: opts.signal,
  });
  return { code, stdout, writes, stderr: writes.map((w) => w.text).join('') };
}

describe('health --wait progress', () => {
  it('the attempts a wait allows are counted from its back-off: 1 s → 4, 30 s → 19', () => {
    expect(plannedAttempts(0)).toBe(1);
    expect(plannedAttempts(1000)).toBe(4);
    expect(plannedAttempts(30_000)).toBe(19);
  });

  it('in CI: a line when the answer changes and a "still" line with attempt n/N, never more than 10 s of silence', async () => {
    const { value: r, elapsedMs } = await inFakeTime(() => run(['health', '--api-url', url, '--wait', '12'], { env: { CI: 'true' } }), { ioMs: 20 });
    const planned = plannedAttempts(12_000);
    expect(r.code).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(12_000);
    const [targetLine, ...lines] = r.stderr.trim().split('\n');
    const waitingFor = `waiting for ${url}/app/health to be healthy`.replace(/[.?()/]/g, '\\$&');
    expect(targetLine).toBe(`target: custom (${url})`);
    expect(lines[0]).toBe(`waiting for ${url}/app/health to be healthy…`);
    // The answer became known (a line for that change); how soon, against the fake clock, depends on the machine.
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${waitingFor}: HTTP 503 \\(starting\\) \\(attempt \\d+/${planned}\\)$`)));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^still ${waitingFor}(: HTTP 503 \\(starting\\))? \\(attempt \\d+/${planned}\\), 0:\\d\\d$`)),
    );
    expect(lines.at(-1)).toMatch(
      new RegExp(`^error: Unhealthy: HTTP 503 \\(starting\\) from ${url.replace(/[.?()/]/g, '\\$&')}/app/health after \\d+ attempts\\.$`),
    );
    const times = r.writes.map((w) => w.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(10_000);
  });

  it('on a terminal: a spinner with the attempt n/N, the last answer and the elapsed time', async () => {
    const { value: r } = await inFakeTime(() => run(['health', '--api-url', url, '--wait', '5'], { terminal: true }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`waiting for ${url}/app/health to be healthy: HTTP 503 \\(starting\\) \\(attempt \\d+/${plannedAttempts(5000)}\\) 0:\\d\\d`),
    );
    expect(r.stderr).toContain('\r\x1b[2K');
  });

  it('Ctrl-C while waiting is exit 130 with one clean line saying what was waited for', async () => {
    const controller = new AbortController();
    onHit = (n) => n === 2 && setTimeout(() => controller.abort(), 100);
    const { value: r } = await inFakeTime(() => run(['health', '--api-url', url, '--wait', '60'], { env: { CI: 'true' }, signal: controller.signal }));
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `error: Interrupted while waiting for ${url}/app/health to be healthy (2 attempts, the last: HTTP 503 (starting)).`,
    );
  });
});
