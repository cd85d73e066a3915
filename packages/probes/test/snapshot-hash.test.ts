import { describe, expect, it } from 'vitest';
import { snapshotHash } from '@pgvigil/probes';

const probe = {
  columns: [
    { name: 'name', type: 'text' as const, key: true },
    { name: 'n', type: 'bigint' as const },
    { name: 'at', type: 'timestamptz' as const },
    { name: 'extra', type: 'jsonb' as const },
  ],
};
const at = new Date('2026-03-10T10:00:00Z');

describe('snapshotHash', () => {
  it('is the same for rows from the probe and the same rows read back from the datastore', () => {
    const fromProbe = [
      { name: 'a', n: 1, at, extra: { x: 1, yy: [1, 2] } },
      { name: 'b', n: 2, at: null, extra: null },
    ];
    // jsonb reorders keys, bigint may arrive as text, rows come back in any order
    const fromStore = [
      { name: 'b', n: '2', at: null, extra: null },
      { name: 'a', n: 1, at: new Date(at), extra: { yy: [1, 2], x: 1 } },
    ];
    expect(snapshotHash(probe, fromStore)).toBe(snapshotHash(probe, fromProbe));
  });

  it('changes when a value changes', () => {
    const rows = [{ name: 'a', n: 1, at, extra: { x: 1 } }];
    expect(snapshotHash(probe, [{ ...rows[0]!, extra: { x: 2 } }])).not.toBe(
      snapshotHash(probe, rows),
    );
    expect(snapshotHash(probe, [{ ...rows[0]!, n: 3 }])).not.toBe(snapshotHash(probe, rows));
  });
});
