import pg from 'pg';
import { startTestServers } from '@pgvigil/db/testing';
import { PROBES, runProbe, loadProbeContext } from '@pgvigil/probes';
const majors = process.argv.slice(2).map(Number) as any;
const cluster = await startTestServers(majors);
try {
for (const [major, server] of cluster.servers) {
  const url = server.url();
  const a = new pg.Client({ connectionString: url }); await a.connect();
  await a.query(`CREATE EXTENSION pg_stat_statements; CREATE TABLE orders (id serial PRIMARY KEY, customer int, note text);
    INSERT INTO orders (customer) SELECT g FROM generate_series(1,50000) g; ANALYZE;
    CREATE ROLE mon LOGIN PASSWORD 'x'; GRANT pg_monitor TO mon;
    CREATE ROLE nostats LOGIN PASSWORD 'x'; GRANT pg_read_all_settings, pg_stat_scan_tables TO nostats;
    CREATE ROLE nosettings LOGIN PASSWORD 'x'; GRANT pg_read_all_stats, pg_stat_scan_tables TO nosettings;
    CREATE ROLE plain LOGIN PASSWORD 'x';`);
  const sq = new pg.Client({ connectionString: url }); await sq.connect(); await sq.query('SELECT pg_sleep(0)');
  for (const role of ['mon', 'nostats', 'nosettings', 'plain']) {
    const u = new URL(url); u.username = role; u.password = 'x';
    const c = new pg.Client({ connectionString: u.toString(), application_name: 'pgvigil' }); await c.connect();
    const v = Number((await c.query("SELECT current_setting('server_version_num') v")).rows[0].v);
    const ctx = await loadProbeContext(c, v);
    for (const p of PROBES) {
      const r = await runProbe(c, p, ctx);
      if (r.status !== 'ok' && !/not installed|or later/.test(r.reason)) console.log(major, role, p.name, r.status, r.reason);
      if (r.status === 'ok' && r.notes) console.log(major, role, p.name, 'NOTES', r.notes);
    }
    await c.end();
  }
  await sq.end(); await a.end();
}
} finally { await cluster.stop(); }
