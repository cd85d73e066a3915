import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatabase,
  spockStandIn,
  STAND_IN_EXTENSIONS,
  SYSTEM_STATS_OLD_STAND_IN,
  systemStatsStandIn,
  allMajors,
  type TestDatabase,
} from '@pgvigil/db/testing';
import { getProbe, runProbe, type ProbeContext, type ProbeResult } from '../src/index';
import { probeSession } from './helpers';

describe.each(allMajors())(
  'spock and system_stats probes against stand-ins on PostgreSQL %i',
  (major) => {
    let target: TestDatabase;
    let client: pg.Client;
    let ctx: ProbeContext;

    beforeAll(async () => {
      target = await freshDatabase(major, 'standin');
      ({ client, ctx } = await probeSession(target.url));
      // stand-ins shared with the alerter's fire-and-clear tests (@pgvigil/db/testing)
      await client.query(spockStandIn() + systemStatsStandIn());
      await client.query(`
        INSERT INTO spock.exception_log VALUES (101, 'duplicate key'), (101, 'missing row'), (102, 'x');
        INSERT INTO spock.resolutions (conflict_type) VALUES ('update_update');`);
      ctx = {
        ...ctx,
        extensions: new Map([...ctx.extensions, ...Object.entries(STAND_IN_EXTENSIONS)]),
      };
    });
    afterAll(async () => {
      await client?.end();
      await target?.drop();
    });

    const rows = async (name: string) => {
      const result: ProbeResult = await runProbe(client, getProbe(name)!, ctx);
      expect(result, name).toMatchObject({ status: 'ok' });
      return result.status === 'ok' ? result.rows : [];
    };

    it('maps the Spock node, subscription, exception and resolution columns', async () => {
      expect(await rows('spock_nodes')).toEqual([
        { node_id: 101, node_name: 'n1' },
        { node_id: 102, node_name: 'n2' },
      ]);
      expect(await rows('spock_subscriptions')).toEqual([
        { subscription_name: 'sub_n1_n2', status: 'replicating', provider_node: 'n1' },
      ]);
      expect(await rows('spock_exceptions')).toEqual([{ exceptions: 3 }]);
      expect(await rows('spock_resolutions')).toEqual([{ resolutions: 1 }]);
    });

    it('maps the system_stats 3.x columns', async () => {
      expect(await rows('os_load')).toEqual([
        { load_1m: 1.5, load_5m: 1.25, load_15m: 0.75, cpu_count: 4, load_per_cpu: 0.3125 },
      ]);
      expect(await rows('os_memory')).toEqual([
        {
          total_memory: 8000,
          used_memory: 6000,
          free_memory: 2000,
          swap_total: 100,
          swap_used: 10,
          cache_total: 3000,
        },
      ]);
      expect(await rows('os_cpu')).toEqual([
        { user_pct: 20, nice_pct: 1, system_pct: 9, idle_pct: 65, iowait_pct: 5 },
      ]);
      expect(await rows('os_disk')).toEqual([
        {
          mount_point: '/',
          total_bytes: 1000,
          used_bytes: 600,
          available_bytes: 400,
          total_inodes: 10,
          used_inodes: 5,
        },
      ]);
      expect(await rows('os_disk_io')).toEqual([
        {
          device_name: 'sda',
          reads: 120,
          writes: 80,
          read_bytes: 4096000,
          write_bytes: 2048000,
          read_time_ms: 30,
          write_time_ms: 45,
        },
      ]);
      expect(await rows('os_network')).toEqual([
        { interface_name: 'eth0', tx_bytes: 500, rx_bytes: 700, tx_errors: 1, rx_errors: 2 },
      ]);
    });

    it('reads the older disk layout and gives NULL for a column the release lacks', async () => {
      await client.query(SYSTEM_STATS_OLD_STAND_IN);
      expect(await rows('os_disk')).toEqual([
        {
          mount_point: '/data',
          total_bytes: 1000,
          used_bytes: 700,
          available_bytes: 250,
          total_inodes: 10,
          used_inodes: 5,
        },
      ]);
      // 1.x names the CPU count no_of_cpu
      expect(await rows('os_load')).toEqual([
        { load_1m: 2, load_5m: 1, load_15m: null, cpu_count: 8, load_per_cpu: 0.125 },
      ]);
    });
  },
);
