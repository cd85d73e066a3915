import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMajors, freshDatabase, type TestDatabase } from '@pgvigil/db/testing';
import {
  connectionSettingsSchema,
  helperSql,
  loadProbeContext,
  parseConnectionString,
  PROBES,
  testConnection,
  type ProbeResult,
} from '../src/index';
import { loadFixture, runAll } from './helpers';

async function asSuperuser(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every probe, run as `role` in `url`'s database, the way the collector opens a session. */
async function runAs(url: string, role: string): Promise<Map<string, ProbeResult>> {
  const u = new URL(url);
  u.username = role;
  u.password = 'pw';
  const client = new pg.Client({ connectionString: u.toString(), application_name: 'pgvigil' });
  await client.connect();
  try {
    const v = await client.query<{ v: string }>(
      `SELECT current_setting('server_version_num') AS v`,
    );
    const ctx = await loadProbeContext(client, Number(v.rows[0]!.v));
    return await runAll(client, ctx, PROBES);
  } finally {
    await client.end();
  }
}

const statusOf = (results: Map<string, ProbeResult>) =>
  Object.fromEntries(
    [...results].map(([name, r]) => [name, r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`]),
  );
const rowsOf = (results: Map<string, ProbeResult>, name: string) => {
  const r = results.get(name);
  return r?.status === 'ok' ? r.rows : [];
};

/** No probe failed; each unavailable one says why and what fixes it (or that the server is too old). */
function expectNoFailures(results: Map<string, ProbeResult>): void {
  for (const [name, status] of Object.entries(statusOf(results))) {
    expect(status, name).not.toMatch(/^failed/);
    if (status.startsWith('unavailable'))
      expect(status, name).toMatch(/GRANT |CREATE EXTENSION|or later/);
  }
}

const ACTIVITY = ['activity_summary', 'sessions', 'blocking', 'statements', 'replication'];

describe.each(allMajors())('least privilege on PostgreSQL %i', (major) => {
  let target: TestDatabase;
  let bare: TestDatabase;
  const suffix = randomBytes(4).toString('hex');
  const mon = `pgvigil_mon_${suffix}`;
  const noStats = `pgvigil_nostats_${suffix}`;
  const noSettings = `pgvigil_nosettings_${suffix}`;

  beforeAll(async () => {
    target = await freshDatabase(major, 'lp');
    bare = await freshDatabase(major, 'lpbare');
    await loadFixture(target.url);
    // The role exactly as docs/permissions.md creates it, and two with less.
    await asSuperuser(
      target.url,
      `CREATE ROLE ${mon} LOGIN PASSWORD 'pw' CONNECTION LIMIT 5;
       GRANT pg_monitor TO ${mon};
       ALTER ROLE ${mon} SET statement_timeout = '10s';
       ALTER ROLE ${mon} SET lock_timeout = '2s';
       ALTER ROLE ${mon} SET idle_in_transaction_session_timeout = '30s';
       ALTER ROLE ${mon} SET default_transaction_read_only = on;
       CREATE ROLE ${noStats} LOGIN PASSWORD 'pw';
       GRANT pg_read_all_settings, pg_stat_scan_tables TO ${noStats};
       CREATE ROLE ${noSettings} LOGIN PASSWORD 'pw';
       GRANT pg_read_all_stats, pg_stat_scan_tables TO ${noSettings};`,
    );
  });
  afterAll(async () => {
    await target?.drop();
    await bare?.drop();
    await asSuperuser(
      bare?.url ?? target.url.replace(/\/[^/]*$/, '/postgres'),
      `DROP ROLE IF EXISTS ${mon}; DROP ROLE IF EXISTS ${noStats}; DROP ROLE IF EXISTS ${noSettings};`,
    ).catch(() => undefined);
  });

  it('pg_monitor: nothing fails; unreadable sequences and statistics say which GRANT, never 0 %', async () => {
    const results = await runAs(target.url, mon);
    expectNoFailures(results);
    expect(statusOf(results).hba_rules).toMatch(
      /^unavailable: pg_hba_file_rules is readable by superusers only.*GRANT SELECT ON pg_hba_file_rules TO "pgvigil_mon_\w+"; GRANT EXECUTE ON FUNCTION pg_hba_file_rules\(\)/,
    );
    for (const name of [
      ...ACTIVITY,
      'settings',
      'wal_directory',
      'archiver',
      'server_info',
      'lock_table',
      'tables',
    ])
      expect(statusOf(results)[name], name).toBe('ok');

    const ticket = rowsOf(results, 'sequences').find((r) => r.sequencename === 'ticket_seq');
    expect(ticket).toMatchObject({ last_value: null, used_pct: null, column_used_pct: null });
    expect(ticket?.skipped).toContain(
      `GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "${mon}"`,
    );
    expect(results.get('sequences')).toMatchObject({
      notes: [expect.stringMatching(/^2 sequence\(s\) not readable by pgvigil_mon_\w+/)],
    });
    const orders = rowsOf(results, 'table_bloat').find((r) => r.relname === 'orders');
    expect(orders).toMatchObject({ bloat_bytes: null, bloat_pct: null });
    expect(orders?.skipped).toMatch(
      /^pg_stats hides orders to pgvigil_mon_\w+: install the helper pgvigil\.column_stats\(regclass\) \(docs\/permissions\.md\); or GRANT SELECT ON orders/,
    );

    const settings = connectionSettingsSchema.parse({
      ...parseConnectionString(target.url),
      user: mon,
      password: 'pw',
      sslmode: 'disable',
    });
    const checks = (await testConnection(settings)).checks;
    const byKey = Object.fromEntries(checks.map((c) => [c.key, c]));
    expect(byKey.pg_monitor?.status).toBe('ok');
    expect(byKey.sequences_readable).toMatchObject({
      status: 'warning',
      fix: expect.stringContaining(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "${mon}";`),
    });
    expect(byKey.hba_rules_readable?.status).toBe('warning');
    expect(byKey.statistics_readable?.status).toBe('warning');
  });

  it('pg_monitor with the documented helpers: a sequence at 2,000,000,000 and hidden statistics are read', async () => {
    await asSuperuser(
      target.url,
      `CREATE TABLE big_keys (id int NOT NULL);
       CREATE SEQUENCE big_keys_seq AS bigint OWNED BY big_keys.id;
       SELECT setval('big_keys_seq', 2000000000);
       INSERT INTO big_keys SELECT generate_series(1, 100000);
       CREATE INDEX big_keys_id ON big_keys (id);
       ANALYZE big_keys;
       ${helperSql(mon)}`,
    );
    try {
      const results = await runAs(target.url, mon);
      expectNoFailures(results);
      const big = rowsOf(results, 'sequences').find((r) => r.sequencename === 'big_keys_seq');
      expect(big).toMatchObject({
        last_value: 2_000_000_000,
        column_type: 'integer',
        skipped: null,
      });
      expect(big?.column_used_pct).toBeCloseTo((100 * 2e9) / 2147483647, 6);
      expect(results.get('sequences')).not.toHaveProperty('notes');
      const orders = rowsOf(results, 'table_bloat').find((r) => r.relname === 'orders');
      expect(orders).toMatchObject({ skipped: null });
      expect(orders?.bloat_pct).toEqual(expect.any(Number));
      const idx = rowsOf(results, 'index_bloat').find((r) => r.indexrelname === 'big_keys_id');
      expect(idx).toMatchObject({ skipped: null, bloat_pct: expect.any(Number) });

      const settings = connectionSettingsSchema.parse({
        ...parseConnectionString(target.url),
        user: mon,
        password: 'pw',
        sslmode: 'disable',
      });
      const byKey = Object.fromEntries(
        (await testConnection(settings)).checks.map((c) => [c.key, c]),
      );
      expect(byKey.sequences_readable?.status).toBe('ok');
      expect(byKey.statistics_readable?.status).toBe('ok');
    } finally {
      await asSuperuser(target.url, 'DROP SCHEMA pgvigil CASCADE; DROP TABLE big_keys');
    }
  });

  it('pg_monitor with the documented sequence GRANT reads every sequence', async () => {
    await asSuperuser(target.url, `GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${mon}`);
    const results = await runAs(target.url, mon);
    const rows = rowsOf(results, 'sequences');
    expect(rows.find((r) => r.sequencename === 'ticket_seq')).toMatchObject({
      last_value: 1000,
      skipped: null,
    });
    expect(rows.every((r) => r.skipped === null && typeof r.used_pct === 'number')).toBe(true);
    expect(results.get('sequences')).not.toHaveProperty('notes');
  });

  it('without pg_read_all_stats: the activity probes are unavailable with the GRANT', async () => {
    const results = await runAs(target.url, noStats);
    expectNoFailures(results);
    for (const name of ACTIVITY)
      expect(statusOf(results)[name], name).toBe(
        `unavailable: without pg_read_all_stats other roles' sessions, queries and states are hidden: GRANT pg_monitor TO "${noStats}";`,
      );
    expect(statusOf(results).settings).toBe('ok');
    expect(statusOf(results).wal_directory).toMatch(/^unavailable: pg_ls_waldir\(\) may be run by/);
  });

  it('without pg_read_all_settings: settings is unavailable with the GRANT', async () => {
    const results = await runAs(target.url, noSettings);
    expectNoFailures(results);
    expect(statusOf(results).settings).toBe(
      `unavailable: without pg_read_all_settings superuser-only settings are hidden: GRANT pg_monitor TO "${noSettings}";`,
    );
    for (const name of ACTIVITY) expect(statusOf(results)[name], name).toBe('ok');
  });

  it('without pg_stat_statements in the monitored database: statements says how to create it', async () => {
    const results = await runAs(bare.url, mon);
    expectNoFailures(results);
    expect(statusOf(results).statements).toBe(
      `unavailable: extension pg_stat_statements is not installed in database ${bare.name}: CREATE EXTENSION pg_stat_statements;`,
    );
  });
});
