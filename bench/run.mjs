// `npm run bench`: measures authstack against baselines taken in the same run, prints a table and writes
// bench/results.json. Figures, not tests: a missed goal is reported, never a failure. Exit 1 only when something
// could not be measured. Loopback only; every loop is bounded.
//
//   node bench/run.mjs [--quick] [--duration <s>] [--rounds <n>] [--skip-footprint] [--only <ids>] [--no-write]
//                      [--baseline <dir>]
//
// --quick        short runs (2 s of load, 10 start-up rounds): a smoke test of the bench itself
// --duration     seconds of autocannon load per target (default 10)
// --rounds       alternating rounds for the start-up figures (default 30)
// --baseline     a built checkout to compare with (e.g. `git worktree add --detach ../base main`, node_modules,
//                `npm run build` there): CLI start, dev start and local throughput of both trees side by side in
//                one run, taking turns, with the ratio (section `side`; alone unless --only names others)
// --only         comma-separated sections: startup,lambda,handler,throughput,start,footprint,deploy,watch (their
//                figures replace those sections in bench/results.json)
import { cpus, platform, release, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SCRATCH, distBuilt, round } from './lib/util.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, fallback) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : argv[i + 1];
};
const quick = flag('--quick');
const opts = {
  seconds: Number(value('--duration', quick ? 2 : 10)),
  rounds: Number(value('--rounds', quick ? 10 : 30)),
  handlerSeconds: quick ? 0.5 : 2,
  starts: quick ? 2 : 5,
  smokes: quick ? 1 : 3,
};
const baselineDir = value('--baseline', undefined);
const only = value('--only', baselineDir ? 'side' : '')
  .split(',')
  .filter(Boolean);
const skipFootprint = flag('--skip-footprint');
// A full run replaces bench/results.json; an --only run replaces just its sections there.
const write = !flag('--no-write') && !quick;

if (!Number.isFinite(opts.seconds) || opts.seconds <= 0 || opts.seconds > 120) {
  process.stderr.write('--duration must be between 1 and 120 seconds\n');
  process.exit(2);
}
if (!distBuilt()) {
  process.stderr.write('dist/ is not built: run `npm run bench` (it builds first) or `npm run build`.\n');
  process.exit(1);
}

const sections = [
  ['startup', '1. CLI start-up', async () => (await import('./lib/startup.mjs')).startup(opts)],
  ['lambda', '2. Lambda bundle', async () => (await import('./lib/lambda-bundle.mjs')).lambdaBundle(opts)],
  ['handler', '3. Handler in-process', async () => (await import('./lib/handler.mjs')).handlerLatency({ seconds: opts.handlerSeconds })],
  ['throughput', '4. Local API throughput', async () => (await import('./lib/local-stack.mjs')).localThroughput(opts)],
  ['start', '5. Local stack start', async () => (await import('./lib/local-stack.mjs')).localStart(opts)],
  ['footprint', '6. Install footprint', async () => (await import('./lib/footprint.mjs')).footprint()],
  ['deploy', '7. Deploy fast paths', async () => (await import('./lib/deploy.mjs')).deployFastPaths()],
  ['watch', '9. dev --watch: edit to serve', async () => (await import('./lib/watch.mjs')).editToServe({ rounds: quick ? 5 : 20 })],
  [
    'side',
    '8. This tree against a baseline tree',
    async () =>
      (await import('./lib/side-by-side.mjs')).sideBySide(baselineDir, {
        seconds: opts.seconds,
        rounds: opts.rounds,
        starts: opts.starts,
        throughputRounds: quick ? 1 : 3,
      }),
  ],
];
if (only.includes('side') && !baselineDir) {
  process.stderr.write('the side section needs --baseline <dir of a built checkout>\n');
  process.exit(2);
}

/** Adds ratio and met to a figure from its goal. */
function judge(f) {
  const ratio = f.baseline ? f.value / f.baseline : undefined;
  let met = f.met;
  const g = f.goal ?? {};
  if (met === undefined && Number.isFinite(f.value)) {
    if (g.ratioAtMost !== undefined) met = ratio <= g.ratioAtMost;
    else if (g.ratioAtLeast !== undefined) met = ratio >= g.ratioAtLeast;
    else if (g.atMost !== undefined) met = f.value <= g.atMost;
    else if (g.atLeast !== undefined) met = f.value >= g.atLeast;
  }
  return { ...f, ratio: ratio === undefined ? undefined : round(ratio, 2), met };
}

function goalText(g) {
  if (!g) return '';
  if (g.ratioAtMost !== undefined) return `≤ ${g.ratioAtMost}×`;
  if (g.ratioAtLeast !== undefined) return `≥ ${g.ratioAtLeast}×`;
  if (g.atMost !== undefined) return `≤ ${g.atMost}`;
  if (g.atLeast !== undefined) return `≥ ${g.atLeast}`;
  return '';
}

const results = { machine: machine(), options: { ...opts, quick, only, skipFootprint }, sections: {} };
let unmeasured = 0;
mkdirSync(SCRATCH, { recursive: true });
try {
  for (const [id, title, run] of sections) {
    if (only.length ? !only.includes(id) : id === 'side') continue;
    if (id === 'footprint' && skipFootprint) continue;
    process.stderr.write(`${title}…\n`);
    const started = performance.now();
    try {
      const { figures, details } = await run();
      results.sections[id] = { title, figures: figures.map(judge), details, seconds: round((performance.now() - started) / 1000, 1) };
    } catch (err) {
      unmeasured++;
      results.sections[id] = { title, error: err instanceof Error ? err.message : String(err) };
      process.stderr.write(`  could not measure: ${results.sections[id].error.split('\n')[0]}\n`);
    }
  }
} finally {
  rmSync(SCRATCH, { recursive: true, force: true });
}

printTable(results);
if (write && only.length > 0 && existsSync(join(ROOT, 'bench', 'results.json'))) {
  const previous = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'));
  results.sections = { ...previous.sections, ...results.sections };
  results.sections = Object.fromEntries(sections.map(([id]) => [id, results.sections[id]]).filter(([, v]) => v));
}
if (write) {
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write('wrote bench/results.json\n');
}
process.exitCode = unmeasured > 0 ? 1 : 0;

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGB: round(totalmem() / 1024 ** 3, 0),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

function printTable(r) {
  const rows = [['figure', 'value', 'baseline', 'ratio', 'goal', 'met?']];
  for (const s of Object.values(r.sections)) {
    rows.push([`— ${s.title}`, '', '', '', '', '']);
    if (s.error) {
      rows.push([`  not measured: ${s.error.split('\n')[0].slice(0, 90)}`, '', '', '', '', '']);
      continue;
    }
    for (const f of s.figures) {
      rows.push([
        `  ${f.name}`,
        Number.isFinite(f.value) ? `${f.value} ${f.unit}` : 'n/a',
        f.baseline !== undefined ? `${f.baseline} ${f.unit} (${f.baselineName})` : '',
        f.ratio !== undefined ? `${f.ratio}×` : '',
        goalText(f.goal),
        f.met === undefined ? '' : f.met ? 'yes' : 'NO',
      ]);
      if (f.note) rows.push([`    ${f.note}`, '', '', '', '', '']);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[5] === '' && row[1] === '' && i === 0 ? 0 : String(row[i]).length))));
  const m = r.machine;
  const lines = [`authstack bench — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date}`];
  for (const row of rows) {
    if (row.slice(1).every((c) => c === '')) lines.push(row[0]);
    else
      lines.push(
        row
          .map((c, i) => String(c).padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
