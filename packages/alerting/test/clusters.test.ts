import { describe, expect, it } from 'vitest';
import { clusterRows } from '../src/cycle/clusters';

const at = new Date('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(at.getTime() - s * 1000);
const stale = { info: 930, connectivity: 120 };
const members = [
  { id: 1, cluster_id: 7, cluster_name: 'main' },
  { id: 2, cluster_id: 7, cluster_name: 'main' },
  { id: 3, cluster_id: null },
];
const info = (id: number, inRecovery: boolean, age = 60) => ({
  server_id: id,
  collected_at: ago(age),
  values: { in_recovery: inRecovery },
});
const up = (id: number, isUp: boolean, age = 10) => ({
  server_id: id,
  collected_at: ago(age),
  values: { up: isUp },
});

describe('clusterRows: the members of each cluster and its primaries', () => {
  it('counts a fresh primary that answers', () => {
    const [row] = clusterRows(members, [info(1, false), info(2, true)], [], at, stale);
    expect(row!.values).toEqual({
      cluster_id: 7,
      cluster: 'main',
      members: 2,
      reachable: 2,
      primaries: 1,
    });
  });
  it('does not count a primary that is down since its last identity sample', () => {
    const [row] = clusterRows(members, [info(1, false), info(2, true)], [up(1, false)], at, stale);
    expect(row!.values).toMatchObject({ reachable: 1, primaries: 0 });
  });
  it('does not count a primary whose identity sample is stale', () => {
    const [row] = clusterRows(members, [info(1, false, 2000), info(2, true)], [], at, stale);
    expect(row!.values).toMatchObject({ reachable: 1, primaries: 0 });
  });
});
