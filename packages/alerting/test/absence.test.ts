import { describe, expect, it } from 'vitest';
import { newestSamples, objectGone, targetKey } from '../src/cycle/absence';
import { BUILTIN_BY_KEY } from '../src/rules';

const t0 = new Date('2026-03-10T12:00:00Z');
const min = (m: number) => t0.getTime() + m * 60_000;
const invalidIndex = BUILTIN_BY_KEY.get('invalid_index')!; // indexes, every 15 min
const target = { serverId: 1, database: 'app' };
const collection = (newest: number, alive = true) => ({
  alive,
  intervalSeconds: new Map([['indexes', 900]]),
  newestSample: new Map([[targetKey(1, 'app'), newest]]),
});

describe('objectGone: the probe reported, the object is absent', () => {
  it('holds once the same database was collected two intervals after the last row', () => {
    expect(objectGone(collection(min(30)), invalidIndex, target, min(0), new Date(min(46)))).toBe(
      true,
    );
    expect(objectGone(collection(min(29)), invalidIndex, target, min(0), new Date(min(46)))).toBe(
      false,
    );
  });

  it('without a row left in the lookback, needs collection within one interval', () => {
    expect(objectGone(collection(min(50)), invalidIndex, target, null, new Date(min(60)))).toBe(
      true,
    );
    expect(objectGone(collection(min(40)), invalidIndex, target, null, new Date(min(60)))).toBe(
      false,
    );
  });

  it('never while the collector is down, for a server-wide rule, or for another database', () => {
    const at = new Date(min(60));
    expect(objectGone(collection(min(59), false), invalidIndex, target, null, at)).toBe(false);
    expect(
      objectGone(collection(min(59)), BUILTIN_BY_KEY.get('connections_used')!, target, null, at),
    ).toBe(false);
    expect(
      objectGone(collection(min(59)), invalidIndex, { serverId: 1, database: 'other' }, null, at),
    ).toBe(false);
  });

  it('does not count the connectivity rows written while the server is unreachable', () => {
    const newest = newestSamples([
      {
        probe: 'connectivity',
        server_id: 1,
        database_name: null,
        last: new Date(min(9)),
        may_be_empty: false,
      },
      {
        probe: 'server_info',
        server_id: 1,
        database_name: null,
        last: new Date(min(2)),
        may_be_empty: false,
      },
      {
        probe: 'tables',
        server_id: 1,
        database_name: 'app',
        last: new Date(min(5)),
        may_be_empty: false,
      },
    ]);
    expect(newest.get(targetKey(1, null))).toBe(min(2));
    expect(newest.get(targetKey(1, 'app'))).toBe(min(5));
  });
});
