import type { ProbeClient } from '../run-probe';

export interface ReadOnlyLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export const READINESS_LIMITS: ReadOnlyLimits = {
  statementTimeoutMs: 10_000,
  lockTimeoutMs: 1_000,
};

/** Runs `fn` in one read-only transaction with statement and lock timeouts, then rolls back. */
export async function inReadOnly<T>(
  client: ProbeClient,
  limits: ReadOnlyLimits,
  fn: () => Promise<T>,
): Promise<T> {
  await client.query('BEGIN TRANSACTION READ ONLY');
  try {
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(limits.statementTimeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.floor(limits.lockTimeoutMs)}`);
    return await fn();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
