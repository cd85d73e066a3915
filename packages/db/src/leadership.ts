import type pg from 'pg';
import type { Db } from './client';

export interface Leadership {
  /** true while this process holds the role (as of the last `check`) */
  readonly leading: boolean;
  /**
   * Confirms the role is still held, or tries to take it: true when this process
   * leads now. A lost connection means a lost role (its session, and lock, ended).
   */
  check(): Promise<boolean>;
  /** Gives the role up (ends the lock's session), so a standby takes it at once. */
  release(): Promise<void>;
}

/**
 * One holder at a time of a named role, through a session advisory lock held on a
 * connection kept out of the pool: when the holder dies, PostgreSQL ends its session
 * and frees the lock, and the next standby to `check` takes the role. A standby
 * keeps no connection between checks.
 */
export function leadership(db: Db, role: string): Leadership {
  let held: pg.PoolClient | null = null;
  let lost = false;
  const onError = () => {
    lost = true;
  };
  const drop = () => {
    const c = held;
    held = null;
    c?.removeListener('error', onError);
    // ending the session is what frees the lock; a broken one must not go back to the pool
    c?.release(true);
  };
  return {
    get leading() {
      return held !== null && !lost;
    },
    async check() {
      if (held && !lost) {
        try {
          await held.query('SELECT 1');
          return true;
        } catch {
          lost = true;
        }
      }
      if (held) drop();
      lost = false;
      const client = await db.connect();
      client.on('error', onError); // a session dropping mid-check must not end the process
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [`pgvigil.${role}`],
        );
        if (rows[0]?.ok) {
          held = client;
          return true;
        }
        client.removeListener('error', onError);
        client.release();
      } catch {
        client.removeListener('error', onError);
        client.release(true);
      }
      return false;
    },
    async release() {
      if (!held) return;
      // ending the session frees the lock even if the unlock itself fails
      await held.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      drop();
    },
  };
}
