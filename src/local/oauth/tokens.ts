/**
 * What the local authorization server adds to the tokens the local Cognito's InitiateAuth hands out, as Cognito's
 * token endpoint does: the granted scopes in the access token, and `nonce` and `at_hash` in the ID token. The
 * changed tokens are signed again with the same key (cognito-local's, whose public half is the pool's JWKS).
 */
import { createHash, createPrivateKey, sign, timingSafeEqual, type KeyObject } from 'node:crypto';

export type Claims = Record<string, unknown>;

export function decodeClaims(token: string): Claims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

export class TokenSigner {
  private readonly key: KeyObject;

  constructor(privateKeyPem: string) {
    this.key = createPrivateKey(privateKeyPem);
  }

  /** The token with its claims changed by `change`, its header (alg, kid) kept, signed again. */
  resign(token: string, change: (claims: Claims) => void): string {
    const [header] = token.split('.', 1);
    const claims = decodeClaims(token);
    if (!header || !claims) throw new Error('not a JWT');
    change(claims);
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), this.key).toString('base64url')}`;
  }
}

/** OpenID Connect's `at_hash`: the left half of the access token's SHA-256, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** RFC 7636 S256: does the verifier hash to the challenge? Compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
