/**
 * Per-second rate of a counter between two samples. A counter that went down was
 * reset (pg_stat_reset, a restart, a failover): that interval has no rate rather
 * than a negative or invented one.
 */
export function counterRate(
  previous: number | null | undefined,
  current: number | null | undefined,
  seconds: number,
): number | null {
  if (previous == null || current == null || !(seconds > 0)) return null;
  if (current < previous) return null;
  return (current - previous) / seconds;
}

/** The SQL twin of counterRate, over a window named `w` ordered by collected_at. */
export function counterRateSql(column: string): string {
  return `CASE WHEN ${column} >= lag(${column}) OVER w
    THEN (${column} - lag(${column}) OVER w)::double precision
         / nullif(extract(epoch FROM collected_at - lag(collected_at) OVER w), 0) END`;
}
