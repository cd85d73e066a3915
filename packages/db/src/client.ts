import pg from 'pg';
import { mapClientError, mapPgError } from './errors';

// int8 and numeric as JS numbers: counters stay far below 2^53 in practice, and the
// apps do arithmetic on them. Timestamps stay Date objects.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly pool: pg.Pool;
  /** Runs fn in one transaction on one connection; rolls back when it throws. */
  tx<T>(fn: (q: Queryable & { client: pg.PoolClient }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  url: string;
  applicationName: string;
  max?: number;
  statementTimeoutMs?: number;
}

const ignore = () => undefined;

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends Row>(text: string, values?: unknown[]) {
      try {
        const result = await client.query(text, values);
        return result.rows as T[];
      } catch (err) {
        throw mapClientError(err);
      }
    },
  };
}

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: options.applicationName,
    max: options.max ?? 5,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Every datastore session works in UTC: partition bounds and rollups depend on it.
    options: `-c TimeZone=UTC -c statement_timeout=${options.statementTimeoutMs ?? 30_000}`,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  return {
    pool,
    query: base.query,
    async tx(fn) {
      const client = await pool.connect().catch((err: unknown) => {
        throw mapClientError(err);
      });
      // A session that drops while checked out says so by an 'error' event: unheard,
      // it would end the process. Its queries fail (and are mapped) all the same.
      client.on('error', ignore);
      const q = wrap(client);
      let broken = false;
      try {
        await q.query('BEGIN');
        const result = await fn({ ...q, client });
        await q.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        // BEGIN, COMMIT and fn's queries are mapped already; fn's own errors pass as they are
        throw mapPgError(err);
      } finally {
        client.removeListener('error', ignore);
        // a session that cannot even roll back is dropped, not returned to the pool
        client.release(broken || undefined);
      }
    },
    close: () => pool.end(),
  };
}

/** Quotes an identifier for SQL text (values always go as bind parameters). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
