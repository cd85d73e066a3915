import type { MetricSpec, Sample, SampleBatch } from '@pgvigil/db/metrics';

type Spec = Pick<MetricSpec, 'name' | 'scope' | 'columns'>;

interface Entry {
  spec: Spec;
  sample: Sample;
}

/**
 * Samples waiting to be written. Bounded by rows: when the datastore is away for
 * long, the oldest samples go first and every dropped row is counted.
 */
export class SampleBuffer {
  private entries: Entry[] = [];
  private rowCount = 0;
  dropped = 0;

  constructor(private readonly maxRows: number) {}

  get rows(): number {
    return this.rowCount;
  }

  add(spec: Spec, sample: Sample): void {
    if (sample.rows.length === 0) return;
    this.entries.push({ spec, sample });
    this.rowCount += sample.rows.length;
    while (this.rowCount > this.maxRows && this.entries.length > 0) {
      const oldest = this.entries.shift()!;
      this.rowCount -= oldest.sample.rows.length;
      this.dropped += oldest.sample.rows.length;
    }
  }

  /** Takes everything, grouped into one batch per table. */
  drain(): SampleBatch[] {
    const byTable = new Map<string, { spec: Spec; samples: Sample[] }>();
    for (const e of this.entries) {
      const batch = byTable.get(e.spec.name) ?? { spec: e.spec, samples: [] };
      batch.samples.push(e.sample);
      byTable.set(e.spec.name, batch);
    }
    this.entries = [];
    this.rowCount = 0;
    return [...byTable.values()];
  }

  /** Puts batches that could not be written back in front, oldest first, within the bound. */
  restore(batches: readonly SampleBatch[]): void {
    const pending = this.entries;
    this.entries = [];
    this.rowCount = 0;
    const restored = batches
      .flatMap((b) => b.samples.map((sample) => ({ spec: b.spec, sample })))
      .sort((a, b) => a.sample.collectedAt.getTime() - b.sample.collectedAt.getTime());
    for (const e of [...restored, ...pending]) this.add(e.spec, e.sample);
  }
}
