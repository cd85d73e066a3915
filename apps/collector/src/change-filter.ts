import { snapshotHash, type ProbeDefinition } from '@pgvigil/probes';

/** What a change-tracked probe is to the filter: PostgreSQL's and the pooler's alike. */
export type TrackedProbe = Pick<ProbeDefinition, 'name' | 'scope' | 'columns'>;

export type StoredSnapshot = (
  probe: TrackedProbe,
  database: string | undefined,
) => Promise<readonly Record<string, unknown>[] | null>;

/**
 * Decides whether a change-tracked probe's rows are worth storing: only when they
 * differ from the last snapshot stored for that server and database. The first
 * comparison after a start is against the datastore, so restarting a collector does
 * not store a copy of every unchanged snapshot.
 */
export class ChangeFilter {
  private readonly last = new Map<string, string>();

  constructor(private readonly stored: StoredSnapshot) {}

  async changed(
    probe: TrackedProbe,
    database: string | undefined,
    rows: readonly Record<string, unknown>[],
  ): Promise<boolean> {
    const key = `${probe.name}:${database ?? ''}`;
    if (!this.last.has(key)) {
      try {
        const previous = await this.stored(probe, database);
        if (previous) this.last.set(key, snapshotHash(probe, previous));
      } catch {
        // Datastore away: store this snapshot; a duplicate costs less than a lost change.
      }
    }
    const hash = snapshotHash(probe, rows);
    if (this.last.get(key) === hash) return false;
    this.last.set(key, hash);
    return true;
  }
}
