import pg from 'pg';
import { mapClientError, mapPgError, sqlState, UnavailableError } from './errors';
import { hostOf, splitHosts } from './hosts';

// int8 and numeric as JS numbers: counters stay far below 2^53 in practice, and the
// apps do arithmetic on them. Timestamps stay Date objects.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  /** the pool of the server in use (with several hosts, the primary last found) */
  readonly pool: pg.Pool;
  /** A session of its own on the server in use, for session state (locks); release it. */
  connect(): Promise<pg.PoolClient>;
  /** Runs fn in one transaction on one connection; rolls back when it throws. */
  tx<T>(fn: (q: Queryable & { client: pg.PoolClient }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** one host, or several (`host1:5432,host2:5432`): then the primary among them */
  url: string;
  /**
   * a streaming standby of `url`: statements that only read metric tables go there
   * (see `readsMetrics`), falling back to `url` while it cannot be reached
   */
  readUrl?: string;
  applicationName: string;
  max?: number;
  statementTimeoutMs?: number;
  /** how long opening a session may take (10 s); waiting for a busy pool is not bounded by it */
  connectTimeoutMs?: number;
  /** told when the primary moved to another of the URL's hosts */
  onSwitch?: (host: string) => void;
}

const ignore = () => undefined;

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
        throw mapClientError(err);
      }
    },
  };
}

/**
 * A driver client that gives up opening its session after `ms`. The pool's own
 * `connectionTimeoutMillis` would also bound the wait for a free session of a busy pool,
 * failing a query queued behind slow ones as "timeout exceeded when trying to connect"
 * while the datastore is up. A queued query waits as long as a query ahead of it may run
 * (statement_timeout) plus a connect: past that, the sessions are not coming back.
 */
function clientWithConnectTimeout(ms: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({
        ...(typeof config === 'string' ? { connectionString: config } : config),
        connectionTimeoutMillis: ms,
      });
    }
  };
}

function newPool(url: string, options: DbOptions): pg.Pool {
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 5,
    Client: clientWithConnectTimeout(connectTimeout),
    // 0: no statement_timeout, so no bound on the wait either
    connectionTimeoutMillis: statementTimeout && statementTimeout + connectTimeout,
    idleTimeoutMillis: 30_000,
    // Every datastore session works in UTC: partition bounds and rollups depend on it.
    options: `-c TimeZone=UTC -c statement_timeout=${statementTimeout}`,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', ignore);
  return pool;
}

async function isPrimary(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', ignore);
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>(
      'SELECT pg_is_in_recovery() AS standby',
    );
    return rows[0]?.standby === false;
  } catch {
    return false;
  } finally {
    await client.end().catch(ignore);
  }
}

interface PoolSource {
  current(): pg.Pool;
  /** the pool to use now (with several hosts: after finding the primary, when in doubt) */
  ready(): Promise<pg.Pool>;
  /** a query failed: with several hosts, the next use looks for the primary again */
  failed(err: unknown): void;
  close(): Promise<void>;
}

/**
 * Several hosts: the first that is not in recovery is used until a query fails for
 * want of it (unreachable, or read-only after a failover), then they are asked again.
 */
function primaryOf(urls: string[], options: DbOptions): PoolSource {
  let url = urls[0]!;
  let pool = newPool(url, options);
  let checked = false;
  let finding: Promise<pg.Pool> | null = null;
  const find = async () => {
    for (const candidate of urls) {
      if (!(await isPrimary(candidate))) continue;
      if (candidate !== url) {
        const old = pool;
        url = candidate;
        pool = newPool(url, options);
        void old.end().catch(ignore);
        options.onSwitch?.(hostOf(url));
      }
      checked = true;
      return pool;
    }
    throw new UnavailableError(
      `No primary among the datastore's hosts (${urls.map(hostOf).join(', ')})`,
      'One of them must be up and not in recovery; after a failover, promote the standby.',
    );
  };
  return {
    current: () => pool,
    ready: () =>
      checked ? Promise.resolve(pool) : (finding ??= find().finally(() => (finding = null))),
    failed(err) {
      if (err instanceof UnavailableError || sqlState(err) === '25006') checked = false;
    },
    close: () => pool.end(),
  };
}

export function createDb(options: DbOptions): Db {
  const urls = splitHosts(options.url);
  const source: PoolSource =
    urls.length > 1
      ? primaryOf(urls, options)
      : (() => {
          const pool = newPool(options.url, options);
          return {
            current: () => pool,
            ready: () => Promise.resolve(pool),
            failed: ignore,
            close: () => pool.end(),
          };
        })();
  const watch = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      source.failed(err);
      throw err;
    }
  };
  const connect = () =>
    watch(async () => {
      const pool = await source.ready();
      return pool.connect().catch((err: unknown) => {
        throw mapClientError(err);
      });
    });
  const primaryQuery: Queryable['query'] = <T extends Row>(text: string, values?: unknown[]) =>
    watch(async () => wrap(await source.ready()).query<T>(text, values));
  const replica = options.readUrl ? newPool(options.readUrl, options) : null;
  const read = replica ? wrap(replica) : null;
  const query: Queryable['query'] =
    read === null
      ? primaryQuery
      : async (text, values) => {
          if (!readsMetrics(text)) return primaryQuery(text, values);
          try {
            return await read.query(text, values);
          } catch (err) {
            // the standby is away (stopped, restarting, unreachable) or cancelled the read
            // for a conflict with recovery: the primary answers
            const code = sqlState(err);
            if (err instanceof UnavailableError || code === undefined || code === '40001')
              return primaryQuery(text, values);
            throw err;
          }
        };
  return {
    get pool() {
      return source.current();
    },
    connect,
    query,
    tx: (fn) =>
      watch(async () => {
        const client = await connect();
        // A session that drops while checked out says so by an 'error' event: unheard,
        // it would end the process. Its queries fail (and are mapped) all the same, and
        // the broken session is dropped, not returned to the pool.
        let broken = false;
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        const q = wrap(client);
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
          client.removeListener('error', onError);
          // a session that cannot even roll back is dropped, not returned to the pool
          client.release(broken || undefined);
        }
      }),
    close: async () => {
      await Promise.all([source.close(), replica?.end()]);
    },
  };
}

/** Quotes an identifier for SQL text (values always go as bind parameters). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
