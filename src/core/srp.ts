/**
 * Cognito's Secure Remote Password protocol (the `USER_SRP_AUTH` flow), both sides, as pure functions over
 * node:crypto. The client side signs in without sending the password (`authstack login`); the server side is the
 * local Cognito's. Written from the protocol and checked in tests against amazon-cognito-identity-js's own
 * AuthenticationHelper, which computes the same values the way AWS's SDKs do:
 *
 * - the 3072-bit MODP group of RFC 3526 (N) with g = 2, SHA-256 as H, k = H(N | g);
 * - numbers are hashed as big-endian bytes of their "padded hex" (even length, and a leading 00 when the top bit
 *   is set, so the value never reads as negative);
 * - x = H(salt | H(poolName username ":" password)), where poolName is the part of the pool id after `_` and
 *   username is the `USER_ID_FOR_SRP` Cognito answers;
 * - u = H(A | B); the client's S = (B − k·gˣ)^(a + u·x), the server's S = (A·vᵘ)ᵇ, with v = gˣ;
 * - the key is 16 bytes of HKDF-SHA256 over S, salted with u, info "Caldera Derived Key";
 * - the claim is base64 HMAC-SHA256(key, poolName | username | SECRET_BLOCK bytes | TIMESTAMP), where TIMESTAMP
 *   reads like `Tue Mar 3 07:05:09 UTC 2026` (day not padded).
 *
 * Everything here is a function of its arguments (randomness only where a value must be fresh), so either side
 * can be tested alone; no other module should depend on the helpers below the exported API.
 */
import { createDiffieHellman, createDiffieHellmanGroup, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 3526's 3072-bit prime, which node ships as the `modp15` group. */
const SRP_N: bigint = BigInt(`0x${createDiffieHellmanGroup('modp15').getPrime('hex')}`);
const SRP_G = 2n;

const INFO = Buffer.from('Caldera Derived Key', 'utf8');
const K = hexToBigInt(hashHex(padHex(SRP_N) + padHex(SRP_G)));

/** The pool name SRP mixes in: `eu-west-1_AbC123` → `AbC123`. */
export function srpPoolName(userPoolId: string): string {
  const at = userPoolId.indexOf('_');
  return at < 0 ? userPoolId : userPoolId.slice(at + 1);
}

/** The unambiguous even-length hex of a non-negative number, as the SRP hashes read it. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('SRP values are never negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

/** Cognito's TIMESTAMP format: `ddd MMM D HH:mm:ss UTC YYYY`, in UTC. */
export function srpTimestamp(date: Date): string {
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()];
  const two = (n: number): string => n.toString().padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${weekday} ${month} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** Reads a TIMESTAMP back; undefined when it is not in Cognito's format. */
export function parseSrpTimestamp(text: string): Date | undefined {
  const match = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) ([1-9]\d?) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/.exec(text);
  if (!match) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(match[2]!);
  if (month < 0) return undefined;
  const date = new Date(Date.UTC(+match[7]!, month, +match[3]!, +match[4]!, +match[5]!, +match[6]!));
  return srpTimestamp(date) === text ? date : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Client side

export interface SrpClientSession {
  /** The secret `a`; never leaves the process. */
  readonly a: bigint;
  /** `SRP_A` for InitiateAuth's AuthParameters (hex). */
  readonly srpA: string;
}

/** The challenge parameters Cognito answers InitiateAuth(USER_SRP_AUTH) with. */
export interface PasswordVerifierChallenge {
  SALT: string;
  SRP_B: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
}

/** The ChallengeResponses of RespondToAuthChallenge(PASSWORD_VERIFIER). */
export interface PasswordVerifierResponses {
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

/** A fresh `a` and its `A = gᵃ`. */
export function startSrpClient(): SrpClientSession {
  const a = hexToBigInt(randomBytes(128).toString('hex'));
  return { a, srpA: modPow(SRP_G, a, SRP_N).toString(16) };
}

/** The client's answer to a PASSWORD_VERIFIER challenge; throws on a B or u the protocol forbids. */
export function passwordClaim(opts: {
  userPoolId: string;
  password: string;
  session: SrpClientSession;
  challenge: PasswordVerifierChallenge;
  now: Date;
}): PasswordVerifierResponses {
  const { challenge, session } = opts;
  const poolName = srpPoolName(opts.userPoolId);
  const userId = challenge.USER_ID_FOR_SRP;
  const B = hexToBigInt(challenge.SRP_B);
  if (B % SRP_N === 0n) throw new Error('SRP: the server sent B ≡ 0 (mod N)');
  const A = hexToBigInt(session.srpA);
  const u = scramble(A, B);
  if (u === 0n) throw new Error('SRP: u is zero');
  const x = privateKey(poolName, userId, opts.password, challenge.SALT);
  const base = mod(B - K * modPow(SRP_G, x, SRP_N), SRP_N);
  const S = modPow(base, session.a + u * x, SRP_N);
  const timestamp = srpTimestamp(opts.now);
  return {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: claimSignature(sessionKey(S, u), poolName, userId, challenge.SECRET_BLOCK, timestamp),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Server side

/** What the server keeps between the challenge and the answer (sealed into the SECRET_BLOCK by its caller). */
export interface SrpServerSession {
  /** The secret `b` (hex). */
  readonly b: string;
  /** `SRP_B` (hex). */
  readonly srpB: string;
  /** `SALT` (hex). */
  readonly salt: string;
}

/** A fresh salt (hex), as Cognito keeps one per user. */
export function newSrpSalt(): string {
  return randomBytes(16).toString('hex');
}

/** The password verifier v = gˣ for a user, from the password the server holds. */
export function srpVerifier(opts: { userPoolId: string; userIdForSrp: string; password: string; salt: string }): bigint {
  const x = privateKey(srpPoolName(opts.userPoolId), opts.userIdForSrp, opts.password, opts.salt);
  return modPow(SRP_G, x, SRP_N);
}

/** A fresh `b` and `B = k·v + gᵇ` for the verifier; the caller answers SALT, SRP_B and a SECRET_BLOCK. */
export function startSrpServer(verifier: bigint, salt: string): SrpServerSession {
  let b: bigint;
  let B: bigint;
  do {
    b = hexToBigInt(randomBytes(128).toString('hex'));
    B = mod(K * verifier + modPow(SRP_G, b, SRP_N), SRP_N);
  } while (B === 0n);
  return { b: b.toString(16), srpB: B.toString(16), salt };
}

/**
 * Whether a PASSWORD_CLAIM_SIGNATURE proves knowledge of the password behind `verifier`. False (never an
 * exception) for an A the protocol forbids or a malformed signature, so every failure reads as a wrong password.
 */
export function verifyPasswordClaim(opts: {
  userPoolId: string;
  userIdForSrp: string;
  verifier: bigint;
  session: SrpServerSession;
  srpA: string;
  secretBlock: string;
  timestamp: string;
  signature: string;
}): boolean {
  if (!/^[0-9a-f]+$/i.test(opts.srpA)) return false;
  const A = hexToBigInt(opts.srpA);
  if (A % SRP_N === 0n) return false;
  const B = hexToBigInt(opts.session.srpB);
  const u = scramble(A, B);
  if (u === 0n) return false;
  const S = modPow(mod(A * modPow(opts.verifier, u, SRP_N), SRP_N), hexToBigInt(opts.session.b), SRP_N);
  const expected = Buffer.from(claimSignature(sessionKey(S, u), srpPoolName(opts.userPoolId), opts.userIdForSrp, opts.secretBlock, opts.timestamp), 'base64');
  const given = Buffer.from(opts.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------------------------
// The shared steps

function privateKey(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = createHash('sha256').update(`${poolName}${userId}:${password}`, 'utf8').digest('hex');
  return hexToBigInt(hashHex(padHex(hexToBigInt(saltHex)) + inner));
}

function scramble(A: bigint, B: bigint): bigint {
  return hexToBigInt(hashHex(padHex(A) + padHex(B)));
}

function sessionKey(S: bigint, u: bigint): Buffer {
  // HKDF-SHA256 with a one-block expand: Cognito's PRK = HMAC(u, S), key = HMAC(PRK, info | 0x01)[0..16].
  return Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), INFO, 16));
}

function claimSignature(key: Buffer, poolName: string, userId: string, secretBlock: string, timestamp: string): string {
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userId, 'utf8'))
    .update(Buffer.from(secretBlock, 'base64'))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

function hexToBigInt(hex: string): bigint {
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

function mod(value: bigint, modulus: bigint): bigint {
  const r = value % modulus;
  return r < 0n ? r + modulus : r;
}

/**
 * base^exponent mod modulus. Modulo N, OpenSSL does it (a Diffie-Hellman secret is exactly that power), five
 * times faster than BigInt arithmetic; values OpenSSL refuses as a Diffie-Hellman public key (0, 1, N-1) take the
 * BigInt path.
 */
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const b = mod(base, modulus);
  if (modulus === SRP_N && exponent > 0n && b > 1n && b < SRP_N - 1n) {
    const dh = (groupN ??= createDiffieHellman(Buffer.from(evenHex(SRP_N), 'hex'), Buffer.from([2])));
    dh.setPrivateKey(Buffer.from(evenHex(exponent), 'hex'));
    return hexToBigInt(dh.computeSecret(Buffer.from(evenHex(b), 'hex')).toString('hex'));
  }
  let result = 1n;
  let square = b;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    e >>= 1n;
  }
  return result;
}

let groupN: ReturnType<typeof createDiffieHellman> | undefined;

function evenHex(value: bigint): string {
  const hex = value.toString(16);
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}
