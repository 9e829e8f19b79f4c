// Runs in its own process (the handler logs a line per request to stdout, which the parent discards): the built
// handler in-process against a loopback fake Cognito, and token verification against Node's own RS256 verify.
// Reports one JSON message over IPC.
import { createSign, generateKeyPairSync, verify as rsaVerify } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { root, scratch, seconds } = JSON.parse(process.argv[2]);
const POOL = 'us-east-1_BenchPool';
const CLIENT_ID = 'benchclient';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench-key', alg: 'RS256', use: 'sig' };
const jwks = JSON.stringify({ keys: [jwk] });

// Cognito's GetUser and the JWKS, both on loopback; the JWKS is fetched once, then served from the handler's cache.
let jwksFetches = 0;
let getUserCalls = 0;
const fake = createServer((req, res) => {
  if (req.url === `/${POOL}/.well-known/jwks.json`) {
    jwksFetches++;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(jwks);
  }
  req.resume();
  req.on('end', () => {
    getUserCalls++;
    const body = JSON.stringify({
      Username: 'bench-user',
      UserAttributes: [
        { Name: 'sub', Value: '5f0c7a1e-0000-4000-8000-000000000001' },
        { Name: 'email', Value: 'bench@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'bench' });
    res.end(body);
  });
});
fake.keepAliveTimeout = 60_000;
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${fake.address().port}`;
const issuer = `${endpoint}/${POOL}`;

const now = Math.floor(Date.now() / 1000);
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** A Cognito-shaped access token for `username`, valid for an hour; and what its signature covers. */
function accessToken(username, sub = '5f0c7a1e-0000-4000-8000-000000000001') {
  const signingInput = `${b64({ alg: 'RS256', kid: 'bench-key' })}.${b64({
    sub,
    iss: issuer,
    client_id: CLIENT_ID,
    origin_jti: 'o',
    event_id: 'e',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: 'j',
    username,
  })}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
  return { token: `${signingInput}.${signature.toString('base64url')}`, signingInput, signature };
}
const { token, signingInput, signature } = accessToken('bench-user');

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  USER_POOL_ID: POOL,
  USER_POOL_CLIENT_ID: CLIENT_ID,
  COGNITO_ENDPOINT: endpoint,
  TOKEN_ISSUER: issuer,
  JWKS_URI: `${issuer}/.well-known/jwks.json`,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
});
const { handler, createHandler } = await import(pathToFileURL(join(root, 'dist', 'lambda', 'index.mjs')).href);

const event = (path, headers) => ({
  resource: '/{proxy+}',
  path,
  httpMethod: 'GET',
  headers,
  multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: path.slice(1) },
  stageVariables: null,
  requestContext: { requestId: 'r', stage: 'prod', httpMethod: 'GET', path: `/prod${path}`, identity: { sourceIp: '127.0.0.1' } },
  body: null,
  isBase64Encoded: false,
});
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };

/** Sequential calls for `ms` (at most `max` calls); per-call latency in ms. */
async function latencies(fn, ms, max = 2_000_000) {
  const out = [];
  const end = performance.now() + ms;
  while (out.length < max) {
    const t = performance.now();
    await fn();
    const done = performance.now();
    out.push(done - t);
    if (done >= end) break;
  }
  return out;
}

const healthEvent = event('/app/health', {});
const profileEvent = event('/user/profile', { Authorization: `Bearer ${token}` });
const expectStatus = async (ev) => {
  const r = await handler(ev, context);
  if (r.statusCode !== 200) throw new Error(`${ev.path} answered ${r.statusCode}: ${r.body}`);
};
// Warm-up: loads the lazy modules, fetches the JWKS, opens the keep-alive connection, lets the JIT settle.
await latencies(() => expectStatus(healthEvent), 300);
await latencies(() => expectStatus(profileEvent), 300);

const health = await latencies(() => handler(healthEvent, context), seconds * 1000);
// Every request reaches GetUser here (the profile cache off), so this stays the cost of an uncached answer.
process.env.PROFILE_CACHE_SECONDS = '0';
const profile = await latencies(() => handler(profileEvent, context), seconds * 1000);
delete process.env.PROFILE_CACHE_SECONDS;

// GetUser calls per 1,000 profile requests from 10 users (100 rounds of one request each, sent together), through
// the handler's profile cache with a simulated wall clock: rounds a second apart, all at once, and with the cache off.
const userEvents = Array.from({ length: 10 }, (_, i) =>
  event('/user/profile', { Authorization: `Bearer ${accessToken(`bench-user-${i}`, `5f0c7a1e-0000-4000-8000-00000000001${i}`).token}` }),
);
async function getUserCallsPer1000(spacingMs, env = {}) {
  let wallClock = Date.now();
  const fresh = createHandler({ env: { ...process.env, ...env }, log: () => undefined, profileCache: { now: () => wallClock } });
  const before = getUserCalls;
  for (let round = 0; round < 100; round++) {
    const answers = await Promise.all(userEvents.map((ev) => fresh(ev, context)));
    const bad = answers.find((r) => r.statusCode !== 200);
    if (bad) throw new Error(`profile answered ${bad.statusCode}: ${bad.body}`);
    wallClock += spacingMs;
  }
  return getUserCalls - before;
}
const cognitoCalls = {
  everySecond: await getUserCallsPer1000(1000),
  burst: await getUserCallsPer1000(0),
  uncached: await getUserCallsPer1000(1000, { PROFILE_CACHE_SECONDS: '0' }),
};

// Token verification: our verifier (aws-jwt-verify behind src/lambda/tokens.ts, JWKS cached) against Node's RS256
// verify of the same token with an already-parsed key, alternating in rounds.
const { build } = await import(pathToFileURL(join(root, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
const outfile = join(scratch, 'tokens.mjs');
await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'src', 'lambda', 'tokens.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'silent',
});
const { createTokenVerifier } = await import(pathToFileURL(outfile).href);
const verifier = createTokenVerifier({ fetcher: { fetch: async () => new TextEncoder().encode(jwks).buffer } });
const tokenConfig = { issuers: [{ issuer, jwksUri: `${issuer}/.well-known/jwks.json` }], clientId: CLIENT_ID };
await verifier.verifyAccessToken(token, tokenConfig);
const data = Buffer.from(signingInput);

function opsPerSecond(fn, ms) {
  return (async () => {
    let n = 0;
    const t = performance.now();
    const end = t + ms;
    let now = t;
    while (now < end) {
      for (let i = 0; i < 50; i++) await fn();
      n += 50;
      now = performance.now();
    }
    return (n * 1000) / (now - t);
  })();
}
const ours = [];
const node = [];
const roundMs = Math.max(200, (seconds * 1000) / 5);
for (let r = 0; r < 5; r++) {
  node.push(await opsPerSecond(() => rsaVerify('RSA-SHA256', data, publicKey, signature), roundMs));
  ours.push(await opsPerSecond(() => verifier.verifyAccessToken(token, tokenConfig), roundMs));
}

fake.close();
fake.closeAllConnections();
process.send({ health, profile, verifyOurs: ours, verifyNode: node, jwksFetches, getUserCalls, cognitoCalls }, () => process.exit(0));
