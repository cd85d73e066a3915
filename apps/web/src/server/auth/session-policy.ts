/** A session ends after this long without a request... */
export const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** ...and after this long in any case. */
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, not on every request. */
export const TOUCH_EVERY_MS = 60 * 1000;

export function sessionExpiry(createdAt: Date, at: Date): Date {
  return new Date(
    Math.min(at.getTime() + IDLE_TIMEOUT_MS, createdAt.getTime() + ABSOLUTE_TIMEOUT_MS),
  );
}

/**
 * Login limits: failed attempts in the window per (account name, client address) and
 * per client address. Failures from one address never lock the account out for
 * another address, so guessing at `admin` cannot keep the real admin out.
 */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_IP = 20;
export const MAX_FAILURES_PER_ACCOUNT_AND_IP = 5;
