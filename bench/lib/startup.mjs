// 1. CLI start-up against `node -e 0`, and which modules --help, --version and health load.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT, TRACER, alternate, median, round, workspace } from './util.mjs';

const SDK = /\/node_modules\/(@aws-sdk|@smithy|@aws-crypto|aws-sdk)\//;

/** Files a run of `args` loads (ESM and CommonJS), via the start-up test's tracer. */
export function tracedLoads(args, { cwd, env }) {
  const trace = join(cwd, `trace-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const res = spawnSync(process.execPath, ['--import', TRACER, ...args], {
    cwd,
    env: { ...env, AUTHSTACK_LOAD_TRACE: trace },
    stdio: 'pipe',
    timeout: 30_000,
  });
  const text = existsSync(trace) ? readFileSync(trace, 'utf8') : '';
  rmSync(trace, { force: true });
  return { status: res.status, files: [...new Set(text.split('\n').filter(Boolean).map((u) => fileURLToPath(u)))] };
}

export async function startup({ rounds }) {
  const ws = await workspace('startup');
  // In its own process: the runs below are synchronous and would stall a server in this one.
  const api = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'bare-server.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const apiUrl = await new Promise((res, rej) => {
    api.once('error', rej);
    api.once('message', ({ port }) => res(`http://127.0.0.1:${port}`));
  });
  try {
    const node = process.execPath;
    const times = alternate(
      [
        { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
        { name: 'authstack --version', cmd: node, args: [BIN, '--version'] },
        { name: 'authstack --help', cmd: node, args: [BIN, '--help'] },
      ],
      rounds,
      ws,
    );
    const [base, version, help] = times.map(median);

    const loads = {};
    for (const [name, args] of [
      ['--version', [BIN, '--version']],
      ['--help', [BIN, '--help']],
      ['health', [BIN, 'health', '--api-url', apiUrl]],
    ]) {
      const { status, files } = tracedLoads(args, ws);
      loads[name] = {
        status,
        sdkModules: files.filter((f) => SDK.test(f)).length,
        nodeModulesFiles: files.filter((f) => f.includes('/node_modules/')).length,
        files: files.length,
      };
    }
    const sdkFree = Object.values(loads).every((l) => l.status === 0 && l.sdkModules === 0);
    return {
      figures: [
        { id: 'startup.version', name: 'CLI start-up: authstack --version', value: round(version), unit: 'ms', baselineName: 'node -e 0', baseline: round(base), goal: { ratioAtMost: 1.25 } },
        { id: 'startup.help', name: 'CLI start-up: authstack --help', value: round(help), unit: 'ms', baselineName: 'node -e 0', baseline: round(base), goal: { ratioAtMost: 1.4 } },
        {
          id: 'startup.no-sdk',
          name: 'AWS SDK modules loaded by --help, --version, health',
          value: Object.values(loads).reduce((n, l) => n + l.sdkModules, 0),
          unit: 'modules',
          goal: { atMost: 0 },
          met: sdkFree,
        },
      ],
      details: { rounds, medianMs: { node: base, version, help }, loads },
    };
  } finally {
    api.kill('SIGTERM');
    await ws.cleanup();
  }
}
