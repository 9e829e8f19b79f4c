// The main job on a fresh machine: start the local stack, walk through the whole flow with the real CLI
// (health → signup → validate → login → profile → logout), then stop the stack. Exits 0 only if every step did.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'authstack');
const work = await mkdtemp(join(tmpdir(), 'authstack-demo-'));
const env = { ...process.env, AUTHSTACK_CONFIG_DIR: join(work, 'config'), AUTHSTACK_PASSWORD: undefined };
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const [apiPort, cognitoPort] = [await freePort(), await freePort()];
console.log(`${bold(`$ authstack dev --port ${apiPort} --cognito-port ${cognitoPort}`)}   (in ${work})`);
const dev = spawn(process.execPath, [bin, 'dev', '--port', String(apiPort), '--cognito-port', String(cognitoPort)], {
  cwd: work,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
dev.stdout.pipe(process.stdout);
let devLog = '';
const ready = new Promise((resolve, reject) => {
  dev.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    devLog += chunk;
    if (devLog.includes('ready in')) resolve();
  });
  dev.once('exit', (code) => reject(new Error(`authstack dev exited with code ${code} before it was ready`)));
});

const email = `demo+${Date.now().toString(36)}@example.com`;
const password = 'Demo-passw0rd!';

function step(args, input) {
  console.log(`\n${bold(`$ ${input !== undefined ? 'printf %s "$PASSWORD" | ' : ''}authstack ${args.join(' ')}`)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'] });
    if (input !== undefined) child.stdin.end(input);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`authstack ${args[0]} exited with code ${code}`))));
  });
}

let failed = false;
try {
  await ready;
  await step(['health']);
  await step(['signup', email, '--password-stdin'], password);
  await step(['validate', email]);
  await step(['login', email, '--password-stdin'], password);
  await step(['profile']);
  await step(['logout']);
  console.log(`\n${bold('Demo complete: the whole flow ran against the local stack.')}`);
} catch (err) {
  failed = true;
  console.error(`\nDemo failed: ${err.message}`);
} finally {
  const exited = new Promise((resolve) => (dev.exitCode !== null ? resolve() : dev.once('exit', resolve)));
  dev.kill('SIGINT');
  await exited;
  await rm(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
