import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createSecretBox, type Db } from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import { startLoop } from '../src/loop';
import { until } from './fixtures';

const major = testMajors()[0]!;

/**
 * Two alerters on one datastore, each with its own connection pool as two processes
 * would have: one leads (evaluates), the other stands by; when the leader's session
 * ends the standby takes over, and the old leader notices and stands by.
 */
describe(`one evaluating alerter per datastore (PostgreSQL ${major})`, () => {
  let ds: TestDatastore;
  const pools: Db[] = [];
  const loops: ReturnType<typeof startLoop>[] = [];
  const box = createSecretBox(randomBytes(32));
  const logs: string[][] = [[], []];

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
  });
  afterAll(async () => {
    await Promise.all(loops.map((l) => l.stop()));
    await Promise.all(pools.map((p) => p.close()));
    await ds?.drop();
  });

  const start = (n: 0 | 1) => {
    const db = createDb({ url: ds.url, applicationName: `alerter-${n}`, max: 3 });
    pools.push(db);
    const loop = startLoop(db, box, {
      intervalSeconds: 0.05,
      trendIntervalSeconds: 3600,
      deliveryEveryMs: 50,
      leaseSeconds: 60,
      deliveryBatch: 10,
      reminderSeconds: 0,
      baseUrl: 'http://x',
      smtpUrl: undefined,
      log: (m) => logs[n]!.push(m),
    });
    loops.push(loop);
    return loop;
  };
  const lockHolders = () =>
    ds.db.query<{ pid: number; app: string }>(
      `SELECT l.pid, a.application_name AS app FROM pg_locks l
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          -- advisory locks are per database; other tests' alerters hold theirs elsewhere
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );

  it('the standby evaluates nothing, and takes over when the leader stops or its session dies', async () => {
    const a = start(0);
    await until('a leads and evaluates', () => a.status().cycles >= 2);
    const b = start(1);
    // b logs its first answer (then only changes)
    await until('b asked', () => logs[1]!.includes('standing by'));
    const bCyclesBefore = a.status().cycles;
    await until('a evaluated more', () => a.status().cycles >= bCyclesBefore + 5);
    expect(b.status()).toEqual({ leading: false, cycles: 0, lastCycle: null });
    expect((await lockHolders()).map((h) => h.app)).toEqual(['alerter-0']);

    // the leader's session ends (a network cut): it notices; whoever asks first leads
    const [holder] = await lockHolders();
    await ds.db.query('SELECT pg_terminate_backend($1)', [holder!.pid]);
    const cycles = a.status().cycles + b.status().cycles;
    await until('evaluation goes on', () => a.status().cycles + b.status().cycles >= cycles + 5);
    const leaders = [a, b].filter((l) => l.status().leading);
    expect(leaders).toHaveLength(1);
    expect(await lockHolders()).toHaveLength(1);

    // a clean stop gives the lock up at once: the other leads
    const [leader, standby] = leaders[0] === a ? [a, b] : [b, a];
    const before = standby.status().cycles;
    await leader.stop();
    await until('the standby leads', () => standby.status().cycles >= before + 2);
    expect(leader.status().leading).toBe(false);
    expect(await lockHolders()).toHaveLength(1);
    await standby.stop();
    expect(await lockHolders()).toEqual([]);
  });
});

/**
 * The real thing: two alerter processes on one datastore; the leader is killed with
 * SIGKILL and the standby takes over once PostgreSQL has ended the dead session.
 */
describe(`a standby alerter process takes over from a killed leader (PostgreSQL ${major})`, () => {
  let ds: TestDatastore;
  let home: string;
  const children: { proc: ChildProcess; out: string }[] = [];
  const root = path.resolve(import.meta.dirname, '..', '..', '..');

  beforeAll(async () => {
    ds = await freshDatastore(major);
    home = await mkdtemp(path.join(tmpdir(), 'pgvigil-leader-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await ds?.drop();
    await rm(home, { recursive: true, force: true });
  });

  const start = () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/alerter/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: ds.url,
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: randomBytes(32).toString('hex'),
        ALERTER_INTERVAL_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = { proc, out: '' };
    proc.stdout?.on('data', (d: Buffer) => (child.out += d.toString()));
    proc.stderr?.resume();
    children.push(child);
    return child;
  };
  const leads = (c: { out: string }) => c.out.includes('alerter: leading');

  it('one leads, the other stands by; after kill -9 of the leader the standby leads', async () => {
    const first = start();
    await until('the first process leads', () => leads(first), 45_000);
    const second = start();
    await until('the second stands by', () => second.out.includes('alerter: standing by'), 45_000);
    expect(leads(second)).toBe(false);

    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    await until('the second leads', () => leads(second), 45_000);
    // its heartbeat (every 10 s) says so, for the UI and for people
    await until(
      'the heartbeat names the leader',
      async () => {
        const [beat] = await ds.db.query<{ info: { leader?: boolean } }>(
          `SELECT info FROM heartbeats WHERE component = 'alerter' AND instance_id LIKE $1`,
          [`%:${second.proc.pid}`],
        );
        return beat?.info.leader === true;
      },
      30_000,
    );
    second.proc.kill('SIGTERM');
    await new Promise((r) => second.proc.once('exit', r));
  });
});
