import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINT_CHECKS } from '@pgvigil/schema';
import { freshDatabase, testMajors, type TestDatabase } from '@pgvigil/db/testing';
import { getProbe, runProbe } from '../src/index';
import { probeSession } from './helpers';

/** Each check of config_lint made true on a real database, then repaired. */
describe.each(testMajors())('config_lint on PostgreSQL %i', (major) => {
  let target: TestDatabase;
  let client: pg.Client;
  let run: () => Promise<{ check: string; object: string; detail: string | null }[]>;

  beforeAll(async () => {
    target = await freshDatabase(major, 'lint');
    const s = await probeSession(target.url);
    client = s.client;
    run = async () => {
      const r = await runProbe(client, getProbe('config_lint')!, s.ctx);
      if (r.status !== 'ok') throw new Error(`${r.status}: ${r.reason}`);
      return r.rows as { check: string; object: string; detail: string | null }[];
    };
    await client.query(`
      CREATE TABLE t (id int PRIMARY KEY, maybe int);
      CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
      CREATE TRIGGER audit BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION noop();
      ALTER TABLE t DISABLE TRIGGER audit;
      CREATE FUNCTION elevated() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
      CREATE FUNCTION pinned() RETURNS int LANGUAGE sql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp AS 'SELECT 1';
      CREATE VIEW v1 AS SELECT * FROM t;
      CREATE VIEW v2 AS SELECT * FROM v1;
      CREATE VIEW v3 AS SELECT * FROM v2;
      CREATE VIEW v4 AS SELECT * FROM v3;
      INSERT INTO t SELECT g, CASE WHEN g % 50 = 0 THEN g END FROM generate_series(1, 5000) g;
      CREATE INDEX t_maybe ON t (maybe);
      ANALYZE t;
      GRANT CREATE ON SCHEMA public TO PUBLIC;`);
  });
  afterAll(async () => {
    await client?.end();
    await target?.drop();
  });

  it('finds each problem, with a known check name, and not the repaired ones', async () => {
    const found = await run();
    for (const f of found) expect(Object.keys(LINT_CHECKS)).toContain(f.check);
    const objects = (check: string) => found.filter((f) => f.check === check).map((f) => f.object);
    expect(objects('disabled_trigger')).toEqual(['public.t.audit']);
    expect(objects('security_definer_search_path')).toEqual(['public.elevated()']);
    expect(found.find((f) => f.check === 'deep_views')).toEqual({
      check: 'deep_views',
      object: 'public.v4',
      detail: '4 levels',
    });
    expect(objects('partial_index_candidate')).toEqual(['public.t_maybe']);
    expect(objects('public_schema_create')).toEqual(['public']);
    // server-wide: reported by the first database by name only
    const [first] = (
      await client.query<{ first: boolean }>(
        `SELECT current_database() = min(datname) AS first FROM pg_database WHERE datallowconn AND NOT datistemplate`,
      )
    ).rows;
    if (first!.first) expect(objects('login_superuser')).toContain('postgres');
    else expect(objects('login_superuser')).toEqual([]);

    await client.query(`
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      ALTER TABLE t ENABLE TRIGGER audit;
      ALTER FUNCTION elevated() SET search_path = pg_catalog, pg_temp;
      DROP VIEW v4;`);
    const after = (await run()).map((f) => f.check);
    for (const c of [
      'public_schema_create',
      'disabled_trigger',
      'security_definer_search_path',
      'deep_views',
    ])
      expect(after).not.toContain(c);
  });
});
