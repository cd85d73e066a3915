import {
  spockStandIn,
  STAND_IN_EXTENSIONS,
  systemStatsStandIn,
  type HostStandIn,
} from '@pgvigil/db/testing';
import { fireAndClear, type Case, type Ctx } from './fire-and-clear-harness';

/**
 * Spock and system_stats are not packaged here: these rules fire and clear against
 * the stand-ins the probe tests use (tables and SQL functions with the extensions'
 * documented names and columns, @pgvigil/db/testing), read by the real probes.
 */
const extensions = { ...STAND_IN_EXTENSIONS };

/** A host rule: the stand-in reports `bad`, then `good`. */
const host = (
  rule: string,
  probe: string,
  bad: HostStandIn,
  good: HostStandIn,
  extra: Partial<Case> = {},
): Case => ({
  rule,
  title: `${rule} (system_stats stand-in)`,
  probe,
  extensions,
  tune: { enabled: true },
  setup: (c: Ctx) => c.sql(systemStatsStandIn()).then(() => undefined),
  fire: (c: Ctx) => c.sql(systemStatsStandIn(bad)).then(() => undefined),
  clear: (c: Ctx) => c.sql(systemStatsStandIn(good)).then(() => undefined),
  ...extra,
});

const CASES: Case[] = [
  {
    rule: 'spock_exceptions',
    title: 'spock_exceptions (spock stand-in)',
    probe: 'spock_exceptions',
    extensions,
    tune: { enabled: true },
    baseline: true,
    // a delta over 15 minutes: the new rows leave the window
    clearAfterSeconds: 1000,
    async setup(c) {
      await c.sql(spockStandIn());
    },
    async fire(c) {
      await c.sql(`INSERT INTO spock.exception_log VALUES (101, 'duplicate key value')`);
    },
    async clear() {},
  },
  {
    rule: 'spock_subscription_down',
    title: 'spock_subscription_down (spock stand-in)',
    probe: 'spock_subscriptions',
    extensions,
    tune: { enabled: true },
    object: () => 'sub_n1_n2',
    async setup(c) {
      await c.sql(spockStandIn());
    },
    async fire(c) {
      await c.sql(spockStandIn({ status: 'down' }));
    },
    async clear(c) {
      await c.sql(spockStandIn({ status: 'replicating' }));
    },
  },
  host(
    'disk_used',
    'os_disk',
    { disk: { mount: '/', total: 1000, used: 950 } },
    { disk: { mount: '/', total: 1000, used: 500 } },
    { object: () => '/' },
  ),
  host(
    'inodes_used',
    'os_disk',
    { disk: { mount: '/', total: 1000, used: 500, inodes: { total: 1000, used: 990 } } },
    { disk: { mount: '/', total: 1000, used: 500, inodes: { total: 1000, used: 100 } } },
    { object: () => '/' },
  ),
  // averaged over 15 minutes: the busy samples leave the window
  host('cpu_used', 'os_cpu', { cpuIdlePct: 2 }, { cpuIdlePct: 90 }, { clearAfterSeconds: 1000 }),
  host(
    'memory_used',
    'os_memory',
    { memory: { total: 8000, used: 7900 } },
    { memory: { total: 8000, used: 2000 } },
    { clearAfterSeconds: 1000 },
  ),
  // per CPU: a load of 20 is 5 per CPU on 4 CPUs (fires), 0.3 on 64 (clears)
  host(
    'load',
    'os_load',
    { load: { one: 30, five: 20, fifteen: 10 }, cpus: 4 },
    { load: { one: 30, five: 20, fifteen: 10 }, cpus: 64 },
  ),
  host(
    'swap_used',
    'os_memory',
    { swap: { total: 1000, used: 900 } },
    { swap: { total: 1000, used: 0 } },
    { clearAfterSeconds: 1000 },
  ),
];

fireAndClear('extension rules fire and clear against stand-ins', CASES);
