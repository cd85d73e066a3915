/** A server's newest change of role seen lately (from its `wal_receiver` samples' in_recovery). */
export interface RoleChange {
  serverId: number;
  /** the role it has had since */
  role: 'primary' | 'standby';
  /** its last sample in the role before */
  lastBefore: Date;
  /** its first sample in the role it has now */
  since: Date;
}

/**
 * Why a series with no row since a role change has cleared, or null. When a primary is
 * demoted or a standby promoted, what only one role reports (a primary's walsenders, the
 * old primary's rows about the promoted standby) stops: that series ended with the move,
 * it did not lose its data. A change of the series' own server or of any member of its
 * cluster counts, once the probe had one interval to report in the new roles, and only
 * for a series alive up to the change (`lastRowAt`; null when no row is left in the
 * lookback, then the alert must have started before the change).
 */
export function endedWithRole(
  changes: readonly RoleChange[],
  names: ReadonlyMap<number, string>,
  intervalSeconds: number | undefined,
  series: { lastRowAt: number | null; startedAt: Date | null },
  at: Date,
): string | null {
  if (intervalSeconds === undefined) return null;
  const interval = intervalSeconds * 1000;
  const ended = changes.filter((c) => {
    if (at.getTime() < c.since.getTime() + interval) return false;
    if (series.lastRowAt === null)
      return series.startedAt !== null && series.startedAt.getTime() < c.since.getTime();
    return (
      series.lastRowAt < c.since.getTime() && series.lastRowAt >= c.lastBefore.getTime() - interval
    );
  });
  if (!ended.length) return null;
  const moves = ended
    .sort((a, b) => a.since.getTime() - b.since.getTime())
    .map((c) => {
      const name = names.get(c.serverId) ?? `server ${c.serverId}`;
      return c.role === 'primary' ? `${name} was promoted` : `${name} became a standby`;
    });
  return `role changed: ${moves.join(', ')}; this series ended with the move`;
}
