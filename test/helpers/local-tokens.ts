/**
 * Tokens signed with cognito-local's key (public in its package), for tests that need tokens the local Cognito
 * would never hand out: expired ones, or ones for another issuer.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { pem } = require('cognito-local/lib/keys/cognitoLocal.private.json') as { pem: string };
const key = createPrivateKey(pem);

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWT with the header cognito-local uses (`kid: CognitoLocal`). */
export function signLocalToken(claims: Record<string, unknown>): string {
  const unsigned = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' })}.${b64url(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

/** An access token shaped like the local Cognito's, valid in every way but expired `secondsAgo` ago. */
export function expiredAccessToken(opts: { issuer: string; clientId: string; sub: string; secondsAgo?: number }): string {
  const exp = Math.floor(Date.now() / 1000) - (opts.secondsAgo ?? 60);
  return signLocalToken({
    sub: opts.sub,
    username: opts.sub,
    client_id: opts.clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    iss: opts.issuer,
    jti: randomUUID(),
    iat: exp - 3600,
    auth_time: exp - 3600,
    exp,
  });
}
