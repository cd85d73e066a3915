import type { Db } from '../client';
import { ident } from '../client';
import { mapPgError } from '../errors';
import { carrySeconds } from './catalog';
import { counterRateSql } from './rates';
import {
  ROLLUP_SECONDS,
  rollupLevels,
  rollupTable,
  rollupValueColumns,
  seriesKeys,
  type MetricColumn,
  type MetricSpec,
  type RollupLevel,
} from '@pgvigil/schema/metric-spec';

/**
 * The buckets to (re)compute at `at`: the last `buckets` complete ones. Recomputing a
 * few covers samples that arrived late (a short datastore outage drained from the buffer).
 */
export function rollupWindow(level: RollupLevel, at: Date, buckets = 3): { from: Date; to: Date } {
  const size = ROLLUP_SECONDS[level] * 1000;
  const to = Math.floor(at.getTime() / size) * size;
  return { from: new Date(to - buckets * size), to: new Date(to) };
}

/**
 * Recomputes the `level` rollup of `spec` for whole buckets in [from, to): gauges
 * averaged, counters as reset-safe per-second rates (sum of deltas / sum of seconds),
 * deltas (pg_stat_statements' per-run differences) summed, so a mean per call is a
 * sum over a sum; a per-run value (the time a run covered) summed over the server's
 * runs in the bucket, on each of its rows. Delete and insert in one transaction, so it is idempotent. With `serverIds`, only
 * those servers' buckets (a collector refreshes the servers it watches). A sparse probe's rows
 * each stand until the key's next row: its gauges are averaged over that time and
 * its sample count is in runs, as if every run had stored every row.
 */
export async function refreshRollup(
  db: Db,
  spec: Pick<
    MetricSpec,
    'name' | 'scope' | 'columns' | 'intervalSeconds' | 'changeTracked' | 'sparse'
  >,
  level: RollupLevel,
  window: { from: Date; to: Date },
  serverIds?: readonly number[],
): Promise<number> {
  if (!rollupLevels(spec).includes(level)) return 0;
  const keys = seriesKeys(spec).map(ident);
  const values = rollupValueColumns(spec);
  const table = ident(rollupTable(spec.name, level));
  // one server's series stay together: the rollup of a server is computed where its rows are
  const series = keys.map((k) => `, ${k}`).join('');
  const deltas = values
    .filter((c) => c.counter)
    .map((c) => `${counterRateSql(ident(c.name))} AS ${ident(`${c.name}__rate`)}`);
  const sparse = spec.sparse !== undefined;
  const interval = spec.intervalSeconds;
  // the mean of a row's value over the runs it stood for; elapsed seconds grew meanwhile
  const heldValue = (c: MetricColumn) =>
    c.elapsed ? `(${ident(c.name)} + (held - ${interval}) / 2.0)` : ident(c.name);
  const bucket = `date_bin($4::interval, collected_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
  const run = spec.scope === 'database' ? 'server_id, database_name' : 'server_id';
  const perRun = values.some((c) => c.perRun);
  const aggregates = values.map((c) =>
    c.delta
      ? `sum(${ident(c.name)})`
      : // each run's value once (from its first row), summed over the bucket's runs
        c.perRun
        ? `sum(sum(${ident(c.name)}) FILTER (WHERE first_of_run)) OVER (PARTITION BY ${bucket}, ${run})`
        : c.counter
          ? // rates weighted by their interval length: total delta over total time
            `sum(${ident(`${c.name}__rate`)} * dt) / nullif(sum(dt) FILTER (WHERE ${ident(`${c.name}__rate`)} IS NOT NULL), 0)`
          : sparse
            ? `sum(${heldValue(c)} * held) / nullif(sum(held) FILTER (WHERE ${ident(c.name)} IS NOT NULL), 0)`
            : `avg(${ident(c.name)})`,
  );
  // a sparse row's previous row may be up to a keyframe older, its next one a run later
  const lookback = new Date(
    window.from.getTime() - (sparse ? carrySeconds(spec) : 2 * interval) * 1000 - 60_000,
  );
  const until = new Date(window.to.getTime() + (sparse ? interval * 1000 + 60_000 : 0));
  const servers = serverIds ? [...serverIds] : null;
  return db.tx(async (tx) => {
    // Two collectors may refresh the same table: one at a time, or both would insert.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pgvigil.rollup.${table}`]);
    // citus: a time window of the rollup on every shard at once; no row crosses shards
    await tx.query(
      `DELETE FROM metrics.${table} WHERE collected_at >= $1 AND collected_at < $2 AND ($3::bigint[] IS NULL OR server_id = ANY($3))`,
      [window.from, window.to, servers],
    );
    const columns = values.map((c) => ident(c.name)).join(', ');
    const inserted = await tx.client
      .query(
        `INSERT INTO metrics.${table} (collected_at, server_id${series}, samples, ${columns})
         SELECT ${bucket},
                server_id${series}, ${sparse ? `round(sum(held) / ${interval})::int` : 'count(*)::int'},
                ${aggregates.join(', ')}
           FROM (
             SELECT collected_at, server_id${series}, ${columns},
                    extract(epoch FROM collected_at - lag(collected_at) OVER w) AS dt,
                    coalesce(extract(epoch FROM lead(collected_at) OVER w - collected_at), ${interval}) AS held
                    ${deltas.map((d) => `, ${d}`).join('')}
                    ${perRun ? `, row_number() OVER (PARTITION BY ${run}, collected_at) = 1 AS first_of_run` : ''}
               FROM metrics.${ident(spec.name)}
              WHERE collected_at >= $3 AND collected_at < $5 AND ($6::bigint[] IS NULL OR server_id = ANY($6))
             WINDOW w AS (PARTITION BY server_id${series} ORDER BY collected_at)
           ) src
          WHERE collected_at >= $1 AND collected_at < $2
          GROUP BY 1, server_id${series}`,
        [window.from, window.to, lookback, `${ROLLUP_SECONDS[level]} seconds`, until, servers],
      )
      .catch((err: unknown) => {
        throw mapPgError(err);
      });
    return inserted.rowCount ?? 0;
  });
}
