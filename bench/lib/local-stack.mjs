// 4. Local API throughput under autocannon, against a bare node:http server, with the dev process's memory.
// 5. `authstack dev` start to first healthy answer, and `authstack smoke` end to end against it.
import { cli, localAccessToken, median, round, rssOf, startBare, startDev, workspace } from './util.mjs';

async function load(url, { seconds, headers }) {
  const { default: autocannon } = await import('autocannon');
  return new Promise((res, rej) => {
    autocannon({ url, connections: 10, duration: seconds, headers, timeout: 10 }, (err, result) => (err ? rej(err) : res(result)));
  });
}

/** Samples a process's RSS every 250 ms while `work` runs. */
async function sampled(pid, work) {
  const samples = [];
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push(rss);
  }, 250);
  try {
    return { result: await work(), samples };
  } finally {
    clearInterval(timer);
  }
}

const summary = (r) => ({
  reqPerSec: r.requests.average,
  latencyP50: r.latency.p50,
  latencyP99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  total: r.requests.total,
});

export async function localThroughput({ seconds }) {
  const ws = await workspace('throughput');
  const bare = await startBare();
  let dev;
  try {
    dev = await startDev(ws);
    const token = await localAccessToken(ws);
    const auth = { Authorization: `Bearer ${token}` };
    const rssStart = rssOf(dev.child.pid);

    // Bare, then dev health, then dev profile; the bare server again at the end, so a drift in the machine shows.
    const bare1 = summary(await load(`${bare.url}/app/health`, { seconds }));
    const health = await sampled(dev.child.pid, () => load(`${dev.apiUrl}/app/health`, { seconds }));
    const profile = await sampled(dev.child.pid, () => load(`${dev.apiUrl}/user/profile`, { seconds, headers: auth }));
    const bare2 = summary(await load(`${bare.url}/app/health`, { seconds }));
    const baseline = (bare1.reqPerSec + bare2.reqPerSec) / 2;
    const h = summary(health.result);
    const p = summary(profile.result);

    // Flat memory: after the first quarter of a run (warm-up, caches filling), RSS should not keep climbing.
    const samples = [...health.samples, ...profile.samples];
    const growthOf = (run) => {
      const warm = run.slice(Math.floor(run.length / 4));
      return warm.length > 1 ? Math.max(...warm) - warm[0] : NaN;
    };
    const growth = growthOf(health.samples);
    const profileGrowth = growthOf(profile.samples);
    const mb = (b) => round(b / 1024 / 1024, 1);
    return {
      figures: [
        {
          id: 'local.health',
          name: 'Local API GET /app/health',
          value: round(h.reqPerSec, 0),
          unit: 'req/s',
          baselineName: 'bare node:http',
          baseline: round(baseline, 0),
          goal: { ratioAtLeast: 0.6 },
          note: `p99 ${h.latencyP99} ms, non-2xx ${h.non2xx}`,
        },
        {
          id: 'local.profile',
          name: 'Local API GET /user/profile (valid token)',
          value: round(p.reqPerSec, 0),
          unit: 'req/s',
          baselineName: 'bare node:http',
          baseline: round(baseline, 0),
          note: `p99 ${p.latencyP99} ms, non-2xx ${p.non2xx}`,
        },
        {
          id: 'local.rss-growth',
          name: 'dev RSS growth after warm-up, health load',
          value: mb(growth),
          unit: 'MB',
          goal: { atMost: 10 },
          note: `start ${mb(rssStart)} MB, peak ${mb(Math.max(...samples))} MB, end ${mb(samples.at(-1))} MB`,
        },
        { id: 'local.rss-growth-profile', name: 'dev RSS growth after warm-up, profile load', value: mb(profileGrowth), unit: 'MB', goal: { atMost: 10 } },
      ],
      details: { seconds, connections: 10, bare: [bare1, bare2], health: h, profile: p, rssMB: samples.map(mb), rssStartMB: mb(rssStart) },
    };
  } finally {
    await dev?.stop();
    bare.stop();
    await ws.cleanup();
  }
}

export async function localStart({ starts, smokes }) {
  const startMs = [];
  const smokeMs = [];
  let smokeFailure;
  for (let i = 0; i < starts; i++) {
    // A fresh folder each time: the first start of a checkout creates the user pool, which is what a user waits for.
    const ws = await workspace('start');
    let dev;
    try {
      dev = await startDev(ws);
      startMs.push(dev.healthyMs);
      if (i < smokes) {
        const r = await cli(['smoke', '--json'], { ...ws, timeoutMs: 60_000 });
        if (r.code === 0) smokeMs.push(r.ms);
        else smokeFailure = `smoke exited with ${r.code}: ${(r.stderr || r.stdout).slice(0, 500)}`;
      }
    } finally {
      await dev?.stop();
      await ws.cleanup();
    }
  }
  return {
    figures: [
      { id: 'local.start', name: 'authstack dev: start to first healthy answer', value: round(median(startMs), 0), unit: 'ms', goal: { atMost: 2000 } },
      {
        id: 'local.smoke',
        name: 'authstack smoke end to end (local)',
        value: round(median(smokeMs), 0),
        unit: 'ms',
        goal: { atMost: 3000 },
        note: smokeFailure,
      },
    ],
    details: { startMs: startMs.map((v) => round(v, 0)), smokeMs: smokeMs.map((v) => round(v, 0)), smokeFailure },
  };
}
