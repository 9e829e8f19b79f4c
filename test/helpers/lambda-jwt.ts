import { createServer, type Server } from 'node:http';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public half as a JWK, as Cognito publishes it. */
  jwk: Record<string, unknown>;
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwk };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(key: SigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64url({ alg: 'RS256', kid: key.kid, ...header })}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** The claims of a Cognito access token, valid for an hour from now unless overridden. */
export function accessClaims(issuer: string, clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '5f0c7a1e-0000-4000-8000-000000000001',
    iss: issuer,
    client_id: clientId,
    origin_jti: 'origin-jti',
    event_id: 'event-id',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: 'jti-1',
    username: 'alice@example.com',
    ...overrides,
  };
}

export interface JwksServer {
  /** `http://127.0.0.1:<port>/<pool>`: the issuer a local Cognito would use. */
  issuer: string;
  jwksUri: string;
  /** How many times the JWKS was requested. */
  hits(): number;
  close(): Promise<void>;
}

/** Serves `{keys}` at `<issuer>/.well-known/jwks.json` on a free loopback port and counts the fetches. */
export async function startJwksServer(keys: SigningKey[], poolId = 'us-east-1_TestPool1'): Promise<JwksServer> {
  let hits = 0;
  const path = `/${poolId}/.well-known/jwks.json`;
  const server: Server = createServer((req, res) => {
    if (req.url === path) {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/${poolId}`;
  return {
    issuer,
    jwksUri: `http://127.0.0.1:${port}${path}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
