import pg from 'pg';
import { mapPgError, sqlState, UnavailableError } from './errors';

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
  /**
   * a streaming standby of `url`: statements that only read metric tables go there
   * (see `readsMetrics`), falling back to `url` while it cannot be reached
   */
  readUrl?: string;
  applicationName: string;
  max?: number;
  statementTimeoutMs?: number;
}

/**
 * A statement a standby may answer: a plain read of metric tables. Only the collector
 * writes them, so a standby's lag shows as samples a few seconds old, never as an
 * alert, a session or a setting the user just changed; everything else reads the
 * primary.
 */
export function readsMetrics(text: string): boolean {
  return (
    /^\s*(SELECT|WITH)\b/i.test(text) &&
    /\bmetrics\./.test(text) &&
    !/\bFOR\s+(UPDATE|SHARE)\b|\b(INSERT|UPDATE|DELETE)\b/i.test(text)
  );
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends Row>(text: string, values?: unknown[]) {
      try {
        const result = await client.query(text, values);
        return result.rows as T[];
      } catch (err) {
        throw mapPgError(err);
      }
    },
  };
}

function createPool(url: string, options: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 5,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Every datastore session works in UTC: partition bounds and rollups depend on it.
    options: `-c TimeZone=UTC -c statement_timeout=${options.statementTimeoutMs ?? 30_000}`,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export function createDb(options: DbOptions): Db {
  const pool = createPool(options.url, options);
  const base = wrap(pool);
  const replica = options.readUrl ? createPool(options.readUrl, options) : null;
  const read = replica ? wrap(replica) : null;
  const query: Queryable['query'] =
    read === null
      ? base.query
      : async (text, values) => {
          if (!readsMetrics(text)) return base.query(text, values);
          try {
            return await read.query(text, values);
          } catch (err) {
            // the standby is away (stopped, restarting, unreachable) or cancelled the read
            // for a conflict with recovery: the primary answers
            const code = sqlState(err);
            if (err instanceof UnavailableError || code === undefined || code === '40001')
              return base.query(text, values);
            throw err;
          }
        };
  return {
    pool,
    query,
    async tx(fn) {
      const client = await pool.connect().catch((err: unknown) => {
        throw mapPgError(err);
      });
      // pg-pool listens for errors on idle clients only: a server that goes away while this
      // one is checked out (between two statements, or during a COPY) would otherwise be an
      // uncaught 'error' event. The statement in flight fails on its own; the client is discarded.
      let lost: Error | undefined;
      const onError = (err: Error) => (lost = err);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({ ...wrap(client), client });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw mapPgError(err);
      } finally {
        client.removeListener('error', onError);
        client.release(lost);
      }
    },
    close: async () => {
      await Promise.all([pool.end(), replica?.end()]);
    },
  };
}

/** Quotes an identifier for SQL text (values always go as bind parameters). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
