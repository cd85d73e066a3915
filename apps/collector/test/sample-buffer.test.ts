import { describe, expect, it } from 'vitest';
import { getProbe } from '@pgvigil/probes';
import { SampleBuffer } from '../src/sample-buffer';

const spec = getProbe('connectivity')!;
const other = getProbe('database_stats')!;
const sample = (second: number, rows = 1) => ({
  collectedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, second)),
  serverId: 1,
  rows: Array.from({ length: rows }, () => ({ up: true })),
});
const seconds = (b: SampleBuffer) =>
  (b.drain()?.batches ?? []).flatMap((x) => x.samples.map((s) => s.collectedAt.getUTCSeconds()));

describe('SampleBuffer', () => {
  it('retries a failed write first, as it was and with its id, before anything newer', () => {
    const buffer = new SampleBuffer(100);
    buffer.add(spec, sample(1));
    buffer.add(other, sample(2));
    const first = buffer.drain()!;
    buffer.add(spec, sample(3));
    buffer.restore(first);
    expect(buffer.rows).toBe(3);
    const again = buffer.drain()!;
    expect(again.id).toBe(first.id);
    expect(again.batches.map((b) => b.spec.name).sort()).toEqual([
      'connectivity',
      'database_stats',
    ]);
    const next = buffer.drain()!;
    expect(next.id).not.toBe(first.id);
    expect(next.batches[0]!.samples.map((s) => s.collectedAt.getUTCSeconds())).toEqual([3]);
    expect(buffer.drain()).toBeNull();
    expect(buffer.rows).toBe(0);
  });

  it('keeps the bound by dropping the oldest rows, a failed write first, and counts them', () => {
    const at = Date.UTC(2025, 0, 1, 12);
    const buffer = new SampleBuffer(4, () => at);
    buffer.add(spec, sample(1, 2));
    buffer.add(spec, sample(2, 2));
    const failed = buffer.drain()!;
    buffer.add(spec, sample(3, 2));
    buffer.restore(failed); // 6 rows > 4: the oldest sample (second 1) goes
    expect(buffer.rows).toBe(4);
    expect(buffer.dropped).toBe(2);
    expect(buffer.lastDropAt?.getTime()).toBe(at);
    expect(buffer.oldestAt?.getUTCSeconds()).toBe(2);
    expect(seconds(buffer)).toEqual([2]);
    expect(seconds(buffer)).toEqual([3]);
  });

  it('puts batches never tried back in front of newer samples', () => {
    const buffer = new SampleBuffer(100);
    buffer.add(spec, sample(1));
    const write = buffer.drain()!;
    buffer.add(spec, sample(5));
    buffer.requeue(write.batches);
    expect(seconds(buffer)).toEqual([1, 5]);
  });
});
