import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, isTransientError, UnavailableError, ValidationError } from '@pgvigil/db';
import { serverUrl, startTcpProxy, testMajors, type TcpProxy } from '@pgvigil/db/testing';

const major = testMajors().at(-1)!;

describe('datastore errors', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(serverUrl(major)).port));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('a connection cut mid-query is UnavailableError, for a query and inside a transaction', async () => {
    const url = new URL(serverUrl(major));
    url.port = String(proxy.port);
    const db = createDb({ url: url.toString(), applicationName: 'pgvigil-test', max: 2 });
    try {
      const query = db.query('SELECT pg_sleep(5)');
      const inTx = db.tx((q) => q.query('SELECT pg_sleep(5)'));
      // both sessions are open once the server lists them
      const admin = new pg.Client({ connectionString: serverUrl(major) });
      await admin.connect();
      for (;;) {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)'`,
        );
        if (rows[0]!.n === 2) break;
      }
      await admin.end();
      proxy.cut();
      const errors = await Promise.all([query, inTx].map((p) => p.catch((e: unknown) => e)));
      for (const err of errors) {
        expect(err).toBeInstanceOf(UnavailableError);
        expect(isTransientError(err)).toBe(true);
      }
      // the pool opens new sessions afterwards
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('a query waiting for a busy pool waits for a session instead of failing as a connect timeout', async () => {
    // one session, held longer than the connect timeout by the first query
    const db = createDb({
      url: serverUrl(major),
      applicationName: 'pgvigil-test',
      max: 1,
      connectTimeoutMs: 200,
    });
    try {
      const [slow, queued] = await Promise.all([
        db.query('SELECT 2 AS two FROM pg_sleep(0.6)'),
        db.query('SELECT 1 AS one'),
      ]);
      expect(slow).toEqual([{ two: 2 }]);
      expect(queued).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('a server that accepts and never answers is a connect timeout: UnavailableError', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const db = createDb({
      url: `postgresql://u:p@127.0.0.1:${port}/x`,
      applicationName: 'pgvigil-test',
      max: 1,
      connectTimeoutMs: 200,
    });
    try {
      await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await db.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('transient: away, out of a resource, busy; not: a value the table refuses', () => {
    const pgError = (code: string) => Object.assign(new Error(code), { code });
    expect(isTransientError(pgError('53100'))).toBe(true); // disk full
    expect(isTransientError(pgError('53300'))).toBe(true); // too many connections
    expect(isTransientError(pgError('58030'))).toBe(true); // I/O error
    expect(isTransientError(pgError('40P01'))).toBe(true); // deadlock
    expect(isTransientError(pgError('57014'))).toBe(true); // statement timeout
    expect(isTransientError(pgError('42P01'))).toBe(false);
    expect(isTransientError(new ValidationError('bad'))).toBe(false);
    expect(isTransientError(new Error('a bug'))).toBe(false);
  });
});
