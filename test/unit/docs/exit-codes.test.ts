import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { EXIT, UserError, type ErrorKind } from '../../../src/core/errors.js';
import type { Prompter } from '../../../src/core/prompts.js';
import { ProjectState } from '../../../src/core/targets.js';
import { startDevInProcess } from '../../helpers/dev-in-process.js';
import { runCli, scriptedPrompter, tempDir } from '../../helpers/run-cli.js';
import { deployWorld } from '../deploy/helpers.js';

const README = join(import.meta.dirname, '..', '..', '..', 'README.md');

/** The rows of the README's "Exit codes" table: code → meaning. */
async function documentedCodes(): Promise<Map<number, string>> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('## Exit codes'), text.indexOf('\n## ', text.indexOf('## Exit codes') + 1));
  const rows = new Map<number, string>();
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2]!);
  return rows;
}

describe("the README's exit-code table", () => {
  it('lists exactly the exit codes the CLI uses (EXIT), each once', async () => {
    const rows = await documentedCodes();
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('every kind of error exits with a code the table explains, and interruption and configuration are named', async () => {
    const rows = await documentedCodes();
    const kinds: ErrorKind[] = ['usage', 'auth', 'api', 'aws', 'deployment', 'local', 'state', 'refused', 'aborted', 'network', 'interrupted'];
    for (const kind of kinds) expect(rows.has(new UserError(kind, 'x').exitCode), kind).toBe(true);
    expect(rows.get(EXIT.interrupted)).toMatch(/Ctrl-C/);
    expect(rows.get(EXIT.usage)).toMatch(/configuration/);
    expect(rows.get(EXIT.usage)).toMatch(/corrupt/);
  });
});

/**
 * Each row of the table, triggered the way its text says, through the CLI in-process: the code it exits with is
 * the row's. A row without a trigger here, or a trigger without its row, fails, so the table and the code agree.
 */
describe("the README's exit-code table, row by row", () => {
  const healthFetch = (status: number, body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as typeof fetch;

  const triggers: Record<number, { what: RegExp; run: (dir: string) => Promise<number> }> = {
    0: {
      what: /success/,
      run: async (dir) => (await runCli(['health', '--api-url', 'http://api.test'], { cwd: dir, fetch: healthFetch(200, { status: 'healthy' }) })).code,
    },
    1: {
      what: /a check failed/,
      run: async (dir) => (await runCli(['health', '--api-url', 'http://api.test'], { cwd: dir, fetch: healthFetch(503, { status: 'starting' }) })).code,
    },
    2: {
      what: /no AWS credentials at all/,
      // Missing credentials alone, on a terminal (so nothing else is missing): a setting to supply, as the row says.
      run: async () => {
        const w = await deployWorld();
        try {
          w.aws.noCredentials = true;
          return (await w.run(['deploy', '--zip', await w.zip(), '--poll-interval', '1ms'], { answers: {} })).code;
        } finally {
          await w.cleanup();
        }
      },
    },
    3: {
      what: /overwrite a file authstack did not write/,
      run: async (dir) => {
        await localTarget(dir);
        await writeFile(join(dir, '.env.local'), 'MINE=1\n');
        return (await runCli(['outputs', '--format', 'env'], { cwd: dir })).code;
      },
    },
    4: {
      what: /needed .* without a terminal/,
      run: async (dir) => {
        await localTarget(dir);
        return (await runCli(['users', 'delete', 'ada@example.com'], { cwd: dir })).code;
      },
    },
    70: {
      what: /a bug/,
      run: async (dir) => {
        const broken = { ...scriptedPrompter({}), password: async () => Promise.reject(new TypeError('boom')) };
        return (await runCliWith(['signup', 'ada@example.com', '--api-url', 'http://api.test'], dir, broken)).code;
      },
    },
    130: {
      what: /`dev` stops its servers first, and exits 130 too/,
      run: async (dir) => (await (await startDevInProcess(dir)).stop()).code,
    },
  };

  it('has a trigger for every row and a row for every trigger', async () => {
    expect([...(await documentedCodes()).keys()]).toEqual(Object.keys(triggers).map(Number));
  });

  for (const [code, trigger] of Object.entries(triggers)) {
    it(`row ${code}: what the row names exits ${code}`, async () => {
      const row = (await documentedCodes()).get(Number(code));
      expect(row).toMatch(trigger.what);
      const { dir, cleanup } = await tempDir();
      try {
        expect(await trigger.run(dir)).toBe(Number(code));
      } finally {
        await cleanup();
      }
    }, 30_000);
  }
});

async function localTarget(dir: string): Promise<void> {
  await new ProjectState(dir).saveTarget({
    name: 'local',
    kind: 'local',
    apiUrl: 'http://127.0.0.1:1',
    region: 'us-east-1',
    userPoolId: 'local_pool',
    clientId: 'client',
    cognitoEndpoint: 'http://127.0.0.1:1',
  });
}

/** `main` with a prompter of the test's own, on a terminal. */
async function runCliWith(argv: string[], dir: string, prompt: Prompter): Promise<{ code: number }> {
  const sink = { write: () => true };
  return {
    code: await main(argv, {
      streams: { stdout: sink, stderr: sink },
      env: { HOME: dir, AUTHSTACK_CONFIG_DIR: join(dir, 'config'), NO_COLOR: '1' },
      cwd: dir,
      interactive: true,
      prompt,
      stdin: Readable.from([]),
    }),
  };
}
