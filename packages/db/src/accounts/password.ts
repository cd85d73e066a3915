import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords';
import { AppError } from '../errors';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

// OWASP's current scrypt recommendation (N=2^17, r=8, p=1): 128 MiB and about half a
// second of one core per hash on a small server. Hashes made with other parameters
// are replaced at the next successful sign-in (needsRehash).
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** Largest parameters a stored hash may ask for, so a tampered row cannot exhaust memory. */
const MAX_N = 2 ** 20;

/**
 * At most this many hashes at once in this process (each holds 128 MiB and a core);
 * up to MAX_WAITING more wait their turn, and beyond that a caller is told to retry.
 * Unauthenticated sign-ins thus cannot take every core or all memory.
 */
export const MAX_CONCURRENT_HASHES = 2;
export const MAX_WAITING_HASHES = 8;
let running = 0;
let peak = 0;
const waiting: (() => void)[] = [];

/** Hashes running and waiting now, and the most ever running at once (diagnostics, tests). */
export const hashSlotStats = () => ({ running, waiting: waiting.length, peak });

async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_WAITING_HASHES)
      throw new AppError(
        'rate_limited',
        'The server is busy checking passwords.',
        'Wait a few minutes before trying again.',
      );
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
    peak = Math.max(peak, running);
  }
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(
  password: string,
  salt: Buffer,
  o: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...o, maxmem: 128 * o.N * o.r * 2 };
  return withHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

/** `scrypt$N$r$p$salt$hash`, base64url; parameters stored so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  return [
    'scrypt',
    SCRYPT_PARAMS.N,
    SCRYPT_PARAMS.r,
    SCRYPT_PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!(params.N >= 2 && params.N <= MAX_N && params.r >= 1 && params.r <= 32 && params.p === 1))
    return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than today's (then rehash it). */
export function needsRehash(stored: string): boolean {
  const [kind, n, r, p] = stored.split('$');
  return (
    kind !== 'scrypt' ||
    Number(n) !== SCRYPT_PARAMS.N ||
    Number(r) !== SCRYPT_PARAMS.r ||
    Number(p) !== SCRYPT_PARAMS.p
  );
}

// Verified when the user does not exist, so a wrong name costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower))
    return 'This password is on lists of commonly used passwords; choose another.';
  if (new Set(lower).size <= 2)
    return 'This password repeats one or two characters; choose another.';
  if (username.length >= 3 && lower.includes(username.toLowerCase()))
    return 'The password must not contain the user name.';
  return null;
}
