// The dashboard benchmark's datastore: an embedded PostgreSQL seeded by dashboard-seed.ts.
// BENCH_KEEP=<dir> keeps it in <dir> across runs: a later run with the same size only
// tops it up to "now" (minutes of rows instead of a full seed). Without it, a temporary
// folder is removed at the end.
// Shared by several benches at once: `dashboard-serve.ts` keeps a BENCH_KEEP store running and
// topped up; a bench run with BENCH_STORE_URL=<its url> and the same BENCH_KEEP attaches to it
// (no server started, no top-up of its own: the serving process writes, readers only read).
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { startEmbedded } from '@pgvigil/db/embedded';
import { catchUpStatements, replicateRollups, seedRange, seedServers } from './dashboard-seed';
import { fmt } from './lib';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** hours of raw samples for every server (raw reads span at most 6 hours) */
const FULL_HOURS = 6;

interface SeedState {
  servers: number;
  days: number;
  ids: number[];
  seededTo: string;
  seedSeconds: number;
  rows: number;
  phases: string[];
}

export interface BenchStore {
  db: Db;
  url: string;
  /** the folder holding the data (and, for the web app, PGVIGIL_HOME) */
  dir: string;
  /** server ids, the focus server (1,000 tables) first */
  ids: number[];
  state: SeedState;
  /** writes the samples due since the last seed, so "now" has fresh data; returns the new end */
  topUp(): Promise<Date>;
  done(): Promise<void>;
}

const log = (line: string) => {
  if (process.stdout.isTTY) process.stdout.write(`\r${line.padEnd(70)}`);
};

export async function openBenchStore(servers: number, days: number): Promise<BenchStore> {
  const keep = process.env.BENCH_KEEP;
  if (process.env.BENCH_STORE_URL) return attachBenchStore(process.env.BENCH_STORE_URL, keep);
  const dir = keep ? path.resolve(keep) : await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-dash-'));
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755); // the postgres OS user must reach its data folder
  const stateFile = path.join(dir, 'seed.json');
  let state: SeedState | null = existsSync(stateFile)
    ? (JSON.parse(await readFile(stateFile, 'utf8')) as SeedState)
    : null;
  if (state && (state.servers !== servers || state.days !== days)) {
    console.log(
      `BENCH_KEEP: ${dir} holds ${state.servers} servers x ${state.days} days; re-seeding`,
    );
    await rm(path.join(dir, 'data'), { recursive: true, force: true });
    state = null;
  }
  // a seed that did not finish leaves data without seed.json: start over
  if (!state) await rm(path.join(dir, 'data'), { recursive: true, force: true });
  const pg = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    port: Number(process.env.BENCH_STORE_PORT ?? 0) || undefined,
    superuserPassword: 'bench',
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '512MB',
      work_mem: '32MB',
      maintenance_work_mem: '256MB',
      max_wal_size: '8GB',
    },
  });
  const url = pg.url('postgres');
  const db = createDb({ url, applicationName: 'pgvigil-bench', max: 4, statementTimeoutMs: 0 });
  const save = (s: SeedState) => writeFile(stateFile, JSON.stringify(s, null, 2));
  try {
    await migrate(db); // a kept store gets the migrations added since it was seeded
    if (!state) {
      const t0 = performance.now();
      const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      const ids = await seedServers(db, servers);
      // The focus server's raw samples for all days, every server's for the last hours;
      // the other servers' older rollups are copies of those hours' rollups: a chart reads
      // one server, the others only give the tables and indexes their real size.
      const start = new Date(end.getTime() - days * DAY);
      const template = new Date(Math.floor(end.getTime() / HOUR) * HOUR - FULL_HOURS * HOUR);
      const full = new Date(template.getTime() - HOUR);
      const phases: string[] = [];
      const phase = async (name: string, fn: () => Promise<number>) => {
        const t = performance.now();
        const n = await fn();
        phases.push(`${name} ${fmt(n)} rows in ${fmt((performance.now() - t) / 1000)} s`);
        return n;
      };
      let rows = await phase('focus server raw + rollups', () =>
        seedRange(db, ids.slice(0, 1), start, full, log),
      );
      rows += await phase(`all servers' last ${FULL_HOURS} h raw + rollups`, () =>
        seedRange(db, ids, full, end, log),
      );
      rows += await phase('older rollups copied', () =>
        replicateRollups(db, ids[0]!, template, FULL_HOURS * HOUR, start),
      );
      // the statements came with the focus server's samples: this stores their texts
      await catchUpStatements(db, ids[0]!, start, end);
      if (process.stdout.isTTY) process.stdout.write(`\r${' '.repeat(70)}\r`);
      console.log(`seed: ${phases.join('; ')}`);
      await db.query('VACUUM ANALYZE');
      const seedSeconds = (performance.now() - t0) / 1000;
      state = { servers, days, ids, seededTo: end.toISOString(), seedSeconds, rows, phases };
      await save(state);
    } else {
      // a store seeded before the query page was timed gets its statements once
      const s = state;
      const t = performance.now();
      const n = await catchUpStatements(db, s.ids[0]!, storeStart(s), new Date(s.seededTo), log);
      if (n > 0) {
        s.rows += n;
        s.phases.push(
          `focus server statements added ${fmt(n)} rows in ${fmt((performance.now() - t) / 1000)} s`,
        );
        await save(s);
      }
    }
  } catch (err) {
    await db.close();
    await pg.stop();
    if (!keep) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const s = state;
  return {
    db,
    url,
    dir,
    ids: s.ids,
    state: s,
    async topUp() {
      const from = new Date(s.seededTo);
      const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      if (to > from) {
        s.rows += await seedRange(db, s.ids, from, to);
        s.seededTo = to.toISOString();
        await save(s);
      }
      return to;
    },
    async done() {
      await db.close();
      await pg.stop();
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Where a store's samples begin. */
const storeStart = (s: SeedState) => new Date(new Date(s.seededTo).getTime() - s.days * DAY);

/**
 * A store that another process (dashboard-serve.ts) keeps running and topped up. The one
 * write: the focus server's statements, if the serving process's code does not write them
 * (a store seeded before the query page was timed), caught up to its newest top-up; the
 * datastore records it (the newest statements run), not seed.json, which the serving
 * process rewrites from its own copy at every top-up.
 */
async function attachBenchStore(url: string, keep: string | undefined): Promise<BenchStore> {
  if (!keep) throw new Error('BENCH_STORE_URL needs BENCH_KEEP: the folder the store serves');
  const dir = path.resolve(keep);
  const read = async () =>
    JSON.parse(await readFile(path.join(dir, 'seed.json'), 'utf8')) as SeedState;
  const state = await read();
  const db = createDb({ url, applicationName: 'pgvigil-bench', max: 4, statementTimeoutMs: 0 });
  try {
    const t = performance.now();
    const n = await catchUpStatements(
      db,
      state.ids[0]!,
      storeStart(state),
      new Date(state.seededTo),
      log,
    );
    if (n > 0)
      console.log(
        `focus server statements added: ${fmt(n)} rows in ${fmt((performance.now() - t) / 1000)} s`,
      );
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    db,
    url,
    dir,
    ids: state.ids,
    state,
    async topUp() {
      return new Date((await read()).seededTo);
    },
    async done() {
      await db.close();
    },
  };
}
