// `--baseline <dir>`: this tree against another built checkout (e.g. main) in one run, figure by figure, with the
// ratio: CLI start-up, `authstack dev` start to first healthy answer, and local API throughput (a route that does
// nothing, and one that checks a token and calls the local Cognito). The two trees take turns within every round,
// so a machine that drifts mid-run weighs on both alike.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, alternate, localAccessToken, median, round, startDev, workspace } from './util.mjs';

async function load(url, seconds, headers) {
  const { default: autocannon } = await import('autocannon');
  return new Promise((res, rej) => {
    autocannon({ url, connections: 10, duration: seconds, timeout: 10, headers }, (err, result) => (err ? rej(err) : res(result)));
  });
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

export async function sideBySide(baselineDir, { seconds, rounds, starts, throughputRounds }) {
  const baseBin = join(resolve(baselineDir), 'bin', 'authstack');
  if (!existsSync(baseBin) || !existsSync(join(resolve(baselineDir), 'dist', 'cli.mjs'))) {
    throw new Error(`${baselineDir} is not a built checkout (no bin/authstack or dist/cli.mjs): run npm run build there`);
  }
  const trees = [
    { name: 'this tree', bin: BIN },
    { name: 'baseline', bin: baseBin },
  ];

  // 1. CLI start-up: --version and --help, both trees alternating.
  const ws = await workspace('side-startup');
  let cliTimes;
  try {
    const node = process.execPath;
    cliTimes = alternate(
      trees.flatMap((t) => [
        { name: `${t.name} --version`, cmd: node, args: [t.bin, '--version'] },
        { name: `${t.name} --help`, cmd: node, args: [t.bin, '--help'] },
      ]),
      rounds,
      ws,
    ).map(median);
  } finally {
    await ws.cleanup();
  }
  const [thisVersion, thisHelp, baseVersion, baseHelp] = cliTimes;

  // 2. dev start: a fresh project folder each time (the first start creates the user pool), trees alternating.
  const startMs = trees.map(() => []);
  for (let i = 0; i < starts; i++) {
    for (const [k, t] of trees.entries()) {
      const w = await workspace('side-start');
      let dev;
      try {
        dev = await startDev(w, { bin: t.bin });
        startMs[k].push(dev.healthyMs);
      } finally {
        await dev?.stop();
        await w.cleanup();
      }
    }
  }

  // 3. Local throughput of GET /app/health (the API alone) and GET /user/profile with a valid token (the API, its
  // token check and a GetUser to the local Cognito): one dev per tree, loaded in turns (A B A B ...).
  const devs = [];
  const workspaces = [];
  const tokens = [];
  const routes = [
    { path: '/app/health', auth: false },
    { path: '/user/profile', auth: true },
  ];
  const reqs = routes.map(() => trees.map(() => []));
  const p99 = routes.map(() => trees.map(() => []));
  try {
    for (const t of trees) {
      const w = await workspace('side-throughput');
      workspaces.push(w);
      devs.push(await startDev(w, { bin: t.bin }));
      tokens.push(await localAccessToken(w));
    }
    for (const [i, route] of routes.entries()) {
      const headers = (k) => (route.auth ? { Authorization: `Bearer ${tokens[k]}` } : undefined);
      // Warm-up, not counted: 3 s of load each (JIT, caches, connection pools). Measured on this machine, a fresh
      // dev answers the profile route at half its settled rate for the first 4 s, either tree.
      for (const [k, dev] of devs.entries()) await load(`${dev.apiUrl}${route.path}`, 3, headers(k));
      for (let r = 0; r < throughputRounds; r++) {
        for (const [k, dev] of devs.entries()) {
          const result = await load(`${dev.apiUrl}${route.path}`, seconds, headers(k));
          if (result.non2xx > 0 || result.errors > 0)
            throw new Error(`${trees[k].name} ${route.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
          reqs[i][k].push(result.requests.average);
          p99[i][k].push(result.latency.p99);
        }
      }
    }
  } finally {
    for (const dev of devs) await dev.stop();
    for (const w of workspaces) await w.cleanup();
  }

  const fig = (id, name, value, baseline, unit, goal, note) => ({
    id,
    name,
    value: round(value, unit === 'req/s' ? 0 : 1),
    unit,
    baselineName: 'baseline tree',
    baseline: round(baseline, unit === 'req/s' ? 0 : 1),
    goal,
    ...(note ? { note } : {}),
  });
  return {
    figures: [
      fig('side.version', 'authstack --version', thisVersion, baseVersion, 'ms', { ratioAtMost: 1.1 }),
      fig('side.help', 'authstack --help', thisHelp, baseHelp, 'ms', { ratioAtMost: 1.1 }),
      fig(
        'side.dev-start',
        'authstack dev: start to first healthy answer',
        median(startMs[0]),
        median(startMs[1]),
        'ms',
        { ratioAtMost: 1.1 },
        `${starts} starts each, medians`,
      ),
      ...routes.map((route, i) =>
        fig(
          i === 0 ? 'side.health' : 'side.profile',
          `Local API GET ${route.path}${route.auth ? ' (valid token)' : ''}`,
          mean(reqs[i][0]),
          mean(reqs[i][1]),
          'req/s',
          { ratioAtLeast: 0.9 },
          `${throughputRounds} × ${seconds} s each, alternating; p99 ${round(mean(p99[i][0]), 1)} ms vs ${round(mean(p99[i][1]), 1)} ms`,
        ),
      ),
    ],
    details: {
      baseline: resolve(baselineDir),
      rounds,
      cliMedianMs: { thisVersion, thisHelp, baseVersion, baseHelp },
      devStartMs: { this: startMs[0].map((v) => round(v, 0)), baseline: startMs[1].map((v) => round(v, 0)) },
      healthReqPerSec: { this: reqs[0][0].map((v) => round(v, 0)), baseline: reqs[0][1].map((v) => round(v, 0)) },
      profileReqPerSec: { this: reqs[1][0].map((v) => round(v, 0)), baseline: reqs[1][1].map((v) => round(v, 0)) },
    },
  };
}
