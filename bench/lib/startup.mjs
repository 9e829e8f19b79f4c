// 1. CLI start-up against `node -e 0`, and which modules --help, --version and health load.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, TRACER, alternate, median, round, startBare, workspace } from './util.mjs';

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
  return {
    status: res.status,
    files: [
      ...new Set(
        text
          .split('\n')
          .filter(Boolean)
          .map((u) => fileURLToPath(u)),
      ),
    ],
  };
}

export async function startup({ rounds }) {
  const ws = await workspace('startup');
  const api = await startBare();
  try {
    const node = process.execPath;
    const commands = [
      { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
      { name: 'authstack --version', cmd: node, args: [BIN, '--version'] },
      { name: 'authstack --help', cmd: node, args: [BIN, '--help'] },
    ];
    const [base, version, help] = alternate(commands, rounds, ws).map(median);
    // The same with this machine's own environment, as its users run it: NODE_EXTRA_CA_CERTS, when set, makes
    // every node process read a CA bundle first, which lengthens the baseline and shrinks the ratios.
    const inheritedEnv = { ...process.env, ...ws.env };
    const [ibase, iversion, ihelp] = alternate(commands, rounds, { cwd: ws.cwd, env: inheritedEnv }).map(median);
    const extra =
      Object.keys(process.env)
        .filter((k) => /^NODE_/.test(k))
        .join(', ') || 'no NODE_* variables';

    const loads = {};
    for (const [name, args] of [
      ['--version', [BIN, '--version']],
      ['--help', [BIN, '--help']],
      ['health', [BIN, 'health', '--api-url', api.url]],
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
        {
          id: 'startup.version',
          name: 'authstack --version, clean environment',
          value: round(version),
          unit: 'ms',
          baselineName: 'node -e 0',
          baseline: round(base),
          goal: { ratioAtMost: 1.25 },
        },
        {
          id: 'startup.help',
          name: 'authstack --help, clean environment',
          value: round(help),
          unit: 'ms',
          baselineName: 'node -e 0',
          baseline: round(base),
          goal: { ratioAtMost: 1.4 },
        },
        {
          id: 'startup.version.inherited',
          name: 'authstack --version, inherited environment',
          value: round(iversion),
          unit: 'ms',
          baselineName: 'node -e 0',
          baseline: round(ibase),
          goal: { ratioAtMost: 1.25 },
          note: extra,
        },
        {
          id: 'startup.help.inherited',
          name: 'authstack --help, inherited environment',
          value: round(ihelp),
          unit: 'ms',
          baselineName: 'node -e 0',
          baseline: round(ibase),
          goal: { ratioAtMost: 1.4 },
        },
        {
          id: 'startup.no-sdk',
          name: 'AWS SDK modules loaded by --help, --version, health',
          value: Object.values(loads).reduce((n, l) => n + l.sdkModules, 0),
          unit: 'modules',
          goal: { atMost: 0 },
          met: sdkFree,
        },
      ],
      details: { rounds, medianMs: { clean: { node: base, version, help }, inherited: { node: ibase, version: iversion, help: ihelp } }, loads },
    };
  } finally {
    api.stop();
    await ws.cleanup();
  }
}
