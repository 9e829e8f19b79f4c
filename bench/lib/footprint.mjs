// 6. Install footprint: what `npx authstack` downloads and unpacks, next to serverless 3 and aws-cdk installed the
// same way. Installs are kept under the system temp folder, keyed by what was installed, so re-runs are quick.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, round } from './util.mjs';

const CACHE = join(tmpdir(), 'authstack-bench-footprint');

function npm(args, cwd) {
  const res = spawnSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 600_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (res.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${(res.stderr || res.stdout || '').slice(-1500)}`);
  return res.stdout;
}

/** Bytes of every file under `dir` (symlinks not followed), and the packages installed in its node_modules tree. */
function measure(dir) {
  let bytes = 0;
  let packages = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else bytes += st.size;
    }
  };
  const countPackages = (nm) => {
    if (!existsSync(nm)) return;
    for (const name of readdirSync(nm)) {
      if (name.startsWith('.')) continue;
      const p = join(nm, name);
      if (name.startsWith('@')) {
        for (const sub of readdirSync(p)) countPackage(join(p, sub));
      } else countPackage(p);
    }
  };
  const countPackage = (p) => {
    if (!lstatSync(p).isDirectory() || !existsSync(join(p, 'package.json'))) return;
    packages++;
    countPackages(join(p, 'node_modules'));
  };
  walk(join(dir, 'node_modules'));
  countPackages(join(dir, 'node_modules'));
  return { bytes, packages };
}

function install(spec, key) {
  const dir = join(CACHE, key.replace(/[^a-zA-Z0-9.@-]/g, '_'));
  const done = join(dir, '.measured.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"footprint","private":true}\n');
  // Scripts are not run: the figure is what is downloaded and unpacked, the same way for every tool.
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', spec], dir);
  const m = measure(dir);
  writeFileSync(done, JSON.stringify(m));
  return m;
}

export async function footprint() {
  mkdirSync(CACHE, { recursive: true });
  const packDir = join(CACHE, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], ROOT));
  const tarball = join(packDir, packed.filename);
  const sha = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16);
  const ours = install(tarball, `authstack-${sha}`);
  const others = {};
  for (const spec of ['serverless@3', 'aws-cdk']) {
    try {
      others[spec] = install(spec, spec);
    } catch (err) {
      others[spec] = { error: err.message.slice(0, 300) };
    }
  }
  const mb = (b) => round(b / 1024 / 1024, 1);
  const figures = [
    {
      id: 'install.packed',
      name: 'npm pack size (authstack)',
      value: round(packed.size / 1024, 0),
      unit: 'KB',
      note: `unpacked ${round(packed.unpackedSize / 1024, 0)} KB, ${packed.entryCount} files`,
    },
    { id: 'install.size', name: 'Installed size (authstack, --omit=dev)', value: mb(ours.bytes), unit: 'MB', note: `${ours.packages} packages` },
    { id: 'install.packages', name: 'Installed packages (authstack)', value: ours.packages, unit: 'packages' },
  ];
  for (const [spec, m] of Object.entries(others)) {
    if (m.error) figures.push({ id: `install.${spec}`, name: `Installed size (${spec})`, value: NaN, unit: 'MB', note: m.error });
    else figures.push({ id: `install.${spec}`, name: `Installed size (${spec})`, value: mb(m.bytes), unit: 'MB', note: `${m.packages} packages` });
  }
  return { figures, details: { packed: { size: packed.size, unpackedSize: packed.unpackedSize, files: packed.entryCount }, ours, others, cache: CACHE } };
}
