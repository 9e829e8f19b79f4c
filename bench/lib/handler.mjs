// 3. Handler latency in-process, and token verification against Node's own RS256 verify.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SCRATCH, median, percentile, round } from './util.mjs';

function runChild(seconds) {
  mkdirSync(SCRATCH, { recursive: true });
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'handler-child.mjs'), JSON.stringify({ root: ROOT, scratch: SCRATCH, seconds })], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result;
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('message', (m) => (result = m));
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 4000 + 60_000);
    child.once('error', rej);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (result) res(result);
      else rej(new Error(`handler bench exited with ${code}: ${stderr}`));
    });
  });
}

const summary = (lat) => ({
  p50: percentile(lat, 50),
  p99: percentile(lat, 99),
  opsPerSecond: (lat.length * 1000) / lat.reduce((a, b) => a + b, 0),
  calls: lat.length,
});

export async function handlerLatency({ seconds }) {
  const r = await runChild(seconds);
  const health = summary(r.health);
  const profile = summary(r.profile);
  const ours = median(r.verifyOurs);
  const node = median(r.verifyNode);
  const us = (ms) => round(ms * 1000, 0);
  return {
    figures: [
      { id: 'handler.health.p50', name: 'Handler health p50 / p99', value: us(health.p50), unit: 'µs', note: `p99 ${us(health.p99)} µs` },
      { id: 'handler.health.ops', name: 'Handler health throughput', value: round(health.opsPerSecond, 0), unit: 'ops/s' },
      {
        id: 'handler.profile.p50',
        name: 'Handler profile (JWT + GetUser on loopback, cache off) p50 / p99',
        value: us(profile.p50),
        unit: 'µs',
        note: `p99 ${us(profile.p99)} µs`,
      },
      { id: 'handler.profile.ops', name: 'Handler profile throughput', value: round(profile.opsPerSecond, 0), unit: 'ops/s' },
      {
        id: 'handler.profile.cognito-calls',
        name: 'GetUser calls per 1,000 profile requests (10 users, each once a second)',
        value: r.cognitoCalls.everySecond,
        unit: 'calls',
        baselineName: 'profile cache off',
        baseline: r.cognitoCalls.uncached,
        goal: { atMost: 100 },
        note: `all 1,000 at once: ${r.cognitoCalls.burst} calls (one per user)`,
      },
      {
        id: 'handler.verify',
        name: 'Access-token verification (JWKS cached)',
        value: round(ours, 0),
        unit: 'ops/s',
        baselineName: "Node's crypto.verify RS256",
        baseline: round(node, 0),
        goal: { ratioAtLeast: 0.7 },
      },
    ],
    details: {
      seconds,
      health: { ...health, p50: us(health.p50), p99: us(health.p99), unit: 'µs' },
      profile: { ...profile, p50: us(profile.p50), p99: us(profile.p99), unit: 'µs' },
      verifyRoundsOpsPerSecond: { ours: r.verifyOurs.map((v) => round(v, 0)), node: r.verifyNode.map((v) => round(v, 0)) },
      jwksFetches: r.jwksFetches,
      getUserCalls: r.getUserCalls,
      cognitoCallsPer1000: r.cognitoCalls,
    },
  };
}
