import { describe, expect, it } from 'vitest';
import { buildTopology, lagLevel, type TopologyMember } from '../src/dashboard/topology';

const member = (id: number, over: Partial<TopologyMember>): TopologyMember => ({
  id,
  name: `pg${id}`,
  host: `10.0.0.${id}`,
  inRecovery: false,
  senderHost: null,
  slotName: null,
  receiveReplayLagBytes: null,
  senders: [],
  slots: [],
  subscriptions: [],
  ...over,
});
const sender = (applicationName: string, replayLagBytes: number | null) => ({
  applicationName,
  clientAddr: '10.0.0.9',
  state: 'streaming',
  replayLagBytes,
  replayLagSeconds: null,
});
const MB = 1024 * 1024;

describe('replication topology (pure)', () => {
  it('draws primary -> standby -> cascade, logical publisher -> subscriber, and unknown receivers', () => {
    const { nodes, edges } = buildTopology([
      member(1, {
        senders: [sender('pg2', 1 * MB), sender('sub_orders', 2 * GB()), sender('backup', null)],
        slots: [
          { slotName: 'standby_2', slotType: 'physical' },
          { slotName: 'sub_orders', slotType: 'logical' },
        ],
      }),
      // streams through a slot from pg1 (same host as pg3: the slot decides)
      member(2, {
        host: '10.0.0.1',
        inRecovery: true,
        senderHost: '10.0.0.1',
        slotName: 'standby_2',
        senders: [sender('pg3', 100 * MB)],
      }),
      // a cascade: no slot, found by its sender host
      member(3, { inRecovery: true, senderHost: '10.0.0.1', receiveReplayLagBytes: 5 }),
      member(4, { subscriptions: ['sub_orders'] }),
    ]);
    expect(edges.map((e) => [e.from, e.to, e.kind, e.level])).toEqual([
      ['s1', 's2', 'physical', 'ok'],
      ['s1', 's4', 'logical', 'critical'],
      ['s1', 'x1/backup', 'physical', 'unknown'],
      // pg3's sender host is ambiguous by host (pg1 and pg2 both 10.0.0.1): not drawn,
      // but pg2's own sender list still shows where it goes
      ['s2', 'x2/pg3', 'physical', 'warning'],
    ]);
    expect(nodes.map((n) => [n.key, n.role, n.depth])).toEqual([
      ['s1', 'primary', 0],
      ['s2', 'standby', 1],
      ['s3', 'standby', 0],
      ['s4', 'subscriber', 1],
      ['x1/backup', 'external', 1],
      ['x2/pg3', 'external', 2],
    ]);
  });

  it('places a cascade below its upstream standby', () => {
    const { nodes, edges } = buildTopology([
      member(1, { senders: [sender('pg2', 0)] }),
      member(2, { inRecovery: true, senderHost: '10.0.0.1', senders: [sender('pg3', 0)] }),
      member(3, { inRecovery: true, senderHost: '10.0.0.2' }),
    ]);
    expect(edges.map((e) => [e.from, e.to])).toEqual([
      ['s1', 's2'],
      ['s2', 's3'],
    ]);
    expect(nodes.map((n) => n.depth)).toEqual([0, 1, 2]);
  });

  it('colours lag by bytes behind', () => {
    expect([null, 0, 16 * MB, GB()].map(lagLevel)).toEqual([
      'unknown',
      'ok',
      'warning',
      'critical',
    ]);
  });
});

function GB() {
  return 1024 * MB;
}
