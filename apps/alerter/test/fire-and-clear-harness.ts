import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import type { Major } from '@pgvigil/db/embedded';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, until } from './fixtures';

/**
 * The fire-and-clear harness for rules a database of the shared test server can
 * exercise: per case a fresh monitored database, the real probe run by the
 * collector's code at a synthetic time, and one evaluation cycle per step.
 */

export interface Tune {
  warning?: number | null;
  critical?: number | null;
  /** rules that start disabled (extensions, OS metrics) */
  enabled?: boolean;
  /** rule parameters, set as an override on the monitored server */
  params?: Record<string, number>;
}

export interface Case {
  rule: string;
  /** the test's name when the rule key alone does not say how it is exercised */
  title?: string;
  probe: string;
  /** thresholds small enough to cross in a test (or computed from the server); `for` is 0 */
  tune: Tune | ((c: Ctx) => Promise<Tune>);
  /** a sample before the change, for counter rules */
  baseline?: boolean;
  /** set up the monitored database before anything is collected */
  setup?(c: Ctx): Promise<void>;
  fire(c: Ctx): Promise<void>;
  clear(c: Ctx): Promise<void>;
  cleanup?(c: Ctx): Promise<void>;
  /** how far to move the evaluation time before clearing (window rules) */
  clearAfterSeconds?: number;
  /** seconds between evaluations (default 60) */
  stepSeconds?: number;
  /** the object the alert is about, when the rule has one alert per object */
  object?: (db: string) => string;
  /** extensions the collector is told are installed (stand-ins for ones not packaged here) */
  extensions?: Record<string, string>;
}
export interface Ctx {
  url: string;
  sql(text: string): Promise<unknown[]>;
  /** a second session, kept open by the case */
  open(): Promise<pg.Client>;
  probeValue(column: string): Promise<number>;
}

/**
 * Spills a sort to disk (work_mem 64kB) and waits until the database's statistics
 * count it in `counter`: what the temp_bytes and temp_files rules watch.
 */
export async function spillSortToDisk(c: Ctx, counter: 'temp_files' | 'temp_bytes') {
  const s = await c.open();
  await s.query(`SET work_mem = '64kB'`);
  await s.query(
    'SELECT count(*) FROM (SELECT g FROM generate_series(1, 200000) g ORDER BY g DESC) s',
  );
  await s.end();
  await until(`${counter} counted`, async () => {
    const [r] = (await c.sql(
      `SELECT ${counter} AS n FROM pg_stat_database WHERE datname = current_database()`,
    )) as { n: string }[];
    return Number(r!.n) > 0;
  });
}

export function fireAndClear(title: string, cases: readonly Case[]) {
  describe.each(testMajors())(`${title} on PostgreSQL %i`, (major) => {
    let ds: TestDatastore;
    beforeAll(async () => {
      ds = await freshDatastore(major);
      await syncCatalog(ds.db);
    });
    afterAll(() => ds?.drop());

    it.each(cases.map((tc) => [tc.title ?? tc.rule, tc] as const))('%s', (_, tc) =>
      runCase(ds, major, tc),
    );
  });
}

async function runCase(ds: TestDatastore, major: Major, tc: Case) {
  const monitored: TestDatabase = await freshDatabase(major, 'mon');
  const sessions: pg.Client[] = [];
  let ctx: Ctx | undefined;
  try {
    const serverId = await addServer(ds.db, `${tc.rule}-${major}`, monitored.url);
    const opts = tc.extensions ? { extensions: tc.extensions } : {};
    const rule = (await listRules(ds.db)).find((r) => r.key === tc.rule)!;
    ctx = contextFor(monitored.url, sessions, (probeNow) =>
      collect(ds.db, serverId, monitored.url, tc.probe, probeNow, opts),
    );
    await applyTune(
      ds,
      rule.id,
      serverId,
      typeof tc.tune === 'function' ? await tc.tune(ctx) : tc.tune,
    );
    await tc.setup?.(ctx);
    const object = tc.object?.(monitored.name) ?? null;
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
        (a) => object === null || a.object_key === object,
      )?.state ?? 'none';
    // the test is the collector: it beats, as the real one does
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: `test-${major}`,
      startedAt: new Date(),
    });
    const every = tc.stepSeconds ?? 60;
    let at = new Date();
    const step = async (seconds: number) => {
      at = new Date(at.getTime() + seconds * 1000);
      await collect(ds.db, serverId, monitored.url, tc.probe, at, opts);
      await runCycle(ds.db, at, {
        baseUrl: 'http://x',
        reminderSeconds: 0,
        includeTrends: false,
      });
    };
    if (tc.baseline) await step(0);
    await tc.fire(ctx);
    await step(every);
    expect(await state()).toBe('firing');
    await tc.clear(ctx);
    await step(tc.clearAfterSeconds ?? every);
    // a counter rule needs two samples inside its window to see "no change"
    await step(every);
    expect(await state()).toBe('resolved');
  } finally {
    if (ctx && tc.cleanup) await tc.cleanup(ctx).catch(() => undefined);
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
    await monitored.drop();
  }
}

/** The case's view of its monitored database; `probe` runs the case's probe now. */
function contextFor(
  url: string,
  sessions: pg.Client[],
  probe: (at: Date) => Promise<Record<string, unknown>[]>,
): Ctx {
  return {
    url,
    async sql(text) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(text)).rows as unknown[];
      } finally {
        await c.end();
      }
    },
    async open() {
      const c = new pg.Client({ connectionString: url, application_name: 'fire-and-clear' });
      c.on('error', () => undefined);
      await c.connect();
      sessions.push(c);
      return c;
    },
    async probeValue(column) {
      const rows = await probe(new Date());
      return Number(rows[0]?.[column] ?? 0);
    },
  };
}

/** Thresholds and enablement globally with `for` = 0; parameters as a server override. */
async function applyTune(ds: TestDatastore, ruleId: number, serverId: number, tune: Tune) {
  await updateRule(ds.db, {
    id: ruleId,
    forSeconds: 0,
    ...(tune.warning !== undefined ? { warning: tune.warning } : {}),
    ...(tune.critical !== undefined ? { critical: tune.critical } : {}),
    ...(tune.enabled !== undefined ? { enabled: tune.enabled } : {}),
  });
  if (tune.params)
    await setOverride(ds.db, {
      ruleId,
      scopeType: 'server',
      scopeId: serverId,
      params: tune.params,
    });
}
