import { randomUUID } from 'node:crypto';
import type { MetricSpec, Sample, SampleBatch } from '@pgvigil/db/metrics';

type Spec = Pick<MetricSpec, 'name' | 'scope' | 'columns'>;

interface Entry {
  spec: Spec;
  sample: Sample;
}

/**
 * One write to the datastore: its batches and the id the ledger knows it by. A write
 * that failed is retried as it is, same id, so one that did commit (the answer lost
 * with the connection) is not written twice.
 */
export interface PendingWrite {
  id: string;
  batches: SampleBatch[];
}

const rowsOf = (e: Entry) => e.sample.rows.length;

/**
 * Samples waiting to be written. Bounded by rows: when the datastore is away for
 * long, the oldest samples go first and every dropped row is counted.
 */
export class SampleBuffer {
  /** samples of a write that failed, oldest first; retried before anything newer */
  private retry: { id: string; entries: Entry[] } | null = null;
  private entries: Entry[] = [];
  private rowCount = 0;
  dropped = 0;
  /** when a row was first and last dropped */
  firstDropAt: Date | null = null;
  lastDropAt: Date | null = null;

  constructor(
    readonly maxRows: number,
    private readonly now: () => number = Date.now,
  ) {}

  get rows(): number {
    return this.rowCount;
  }

  /** When the oldest sample still waiting was collected. */
  get oldestAt(): Date | null {
    const first = this.retry?.entries[0] ?? this.entries[0];
    return first ? first.sample.collectedAt : null;
  }

  add(spec: Spec, sample: Sample): void {
    if (sample.rows.length === 0) return;
    this.entries.push({ spec, sample });
    this.rowCount += sample.rows.length;
    this.trim();
  }

  /** Drops the oldest samples (a failed write's first) until the bound holds. */
  private trim(): void {
    while (this.rowCount > this.maxRows) {
      const from = this.retry?.entries.length ? this.retry.entries : this.entries;
      const oldest = from.shift();
      if (!oldest) break;
      this.rowCount -= rowsOf(oldest);
      this.counted(rowsOf(oldest));
      if (this.retry && this.retry.entries.length === 0) this.retry = null;
    }
  }

  /**
   * The next write: a failed one again if there is one (same id), else everything
   * buffered, grouped into one batch per table. Null when there is nothing to write.
   */
  drain(): PendingWrite | null {
    const taken = this.retry ?? (this.entries.length ? { id: randomUUID(), entries: [] } : null);
    if (!taken) return null;
    if (!this.retry) {
      taken.entries = this.entries;
      this.entries = [];
    }
    this.retry = null;
    this.rowCount -= taken.entries.reduce((n, e) => n + rowsOf(e), 0);
    const byTable = new Map<string, { spec: Spec; samples: Sample[] }>();
    for (const e of taken.entries) {
      const batch = byTable.get(e.spec.name) ?? { spec: e.spec, samples: [] };
      batch.samples.push(e.sample);
      byTable.set(e.spec.name, batch);
    }
    return { id: taken.id, batches: [...byTable.values()] };
  }

  /** Puts a write that failed back in front, to be retried first with its id, within the bound. */
  restore(write: PendingWrite): void {
    const entries = write.batches
      .flatMap((b) => b.samples.map((sample) => ({ spec: b.spec, sample })))
      .sort((a, b) => a.sample.collectedAt.getTime() - b.sample.collectedAt.getTime());
    if (entries.length === 0) return;
    // one write is in flight at a time, so there is no other failed one to keep
    if (this.retry) this.entries.unshift(...this.retry.entries);
    this.retry = { id: write.id, entries };
    this.rowCount += entries.reduce((n, e) => n + rowsOf(e), 0);
    this.trim();
  }

  /** Puts batches never attempted back in front of the newer samples. */
  requeue(batches: readonly SampleBatch[]): void {
    const entries = batches.flatMap((b) => b.samples.map((sample) => ({ spec: b.spec, sample })));
    this.entries.unshift(...entries);
    this.rowCount += entries.reduce((n, e) => n + rowsOf(e), 0);
    this.trim();
  }

  /** Counts rows the datastore refused for good. */
  drop(rows: number): void {
    if (rows > 0) this.counted(rows);
  }

  private counted(rows: number): void {
    this.dropped += rows;
    this.lastDropAt = new Date(this.now());
    this.firstDropAt ??= this.lastDropAt;
  }
}
