import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testMajors, type TestDatabase } from '@pgvigil/db/testing';
import { getProbe, runProbe, type ProbeContext, type ProbeResult } from '../src/index';
import { probeSession } from './helpers';

// Neither spock nor system_stats is packaged for Debian, so these probes are checked
// against stand-ins: plain tables and SQL functions with the names and OUT columns
// the extensions document (spock 4/5, system_stats 3.x, and system_stats' older disk
// layout). This proves the SQL parses and maps columns, not what the real C code returns.
const SPOCK = `
  CREATE SCHEMA spock;
  CREATE TABLE spock.node (node_id oid PRIMARY KEY, node_name name NOT NULL);
  INSERT INTO spock.node VALUES (101, 'n1'), (102, 'n2');
  CREATE FUNCTION spock.sub_show_status(subscription_name name DEFAULT NULL,
      OUT subscription_name text, OUT status text, OUT provider_node text, OUT provider_dsn text,
      OUT slot_name text, OUT replication_sets text[], OUT forward_origins text[])
    RETURNS SETOF record LANGUAGE sql STABLE
    AS $$ VALUES ('sub_n1_n2'::text, 'replicating'::text, 'n1'::text, 'host=n1'::text,
                  'spk_slot'::text, ARRAY['default']::text[], ARRAY[]::text[]) $$;
  CREATE TABLE spock.exception_log (remote_origin oid, error_message text);
  INSERT INTO spock.exception_log VALUES (101, 'duplicate key'), (101, 'missing row'), (102, 'x');
  CREATE TABLE spock.resolutions (id serial, conflict_type text);
  INSERT INTO spock.resolutions (conflict_type) VALUES ('update_update');
`;

const fn = (name: string, outs: string, values: string) =>
  `CREATE OR REPLACE FUNCTION ${name}(${outs}) RETURNS SETOF record LANGUAGE sql AS $$ VALUES ${values} $$;`;

const SYSTEM_STATS = [
  fn(
    'pg_sys_load_avg_info',
    'OUT load_avg_one_minute float4, OUT load_avg_five_minutes float4, OUT load_avg_ten_minutes float4, OUT load_avg_fifteen_minutes float4',
    '(1.5::float4, 1.25::float4, 1::float4, 0.75::float4)',
  ),
  fn(
    'pg_sys_memory_info',
    `OUT total_memory int8, OUT used_memory int8, OUT free_memory int8, OUT swap_total int8, OUT swap_used int8,
     OUT swap_free int8, OUT cache_total int8, OUT kernel_total int8, OUT kernel_paged int8,
     OUT kernel_non_paged int8, OUT total_page_file int8, OUT avail_page_file int8`,
    '(8000::int8, 6000::int8, 2000::int8, 100::int8, 10::int8, 90::int8, 3000::int8, null::int8, null::int8, null::int8, null::int8, null::int8)',
  ),
  fn(
    'pg_sys_cpu_usage_info',
    `OUT usermode_normal_process_percent float4, OUT usermode_niced_process_percent float4,
     OUT kernelmode_process_percent float4, OUT idle_mode_percent float4, OUT io_completion_percent float4,
     OUT servicing_irq_percent float4, OUT servicing_softirq_percent float4, OUT user_time_percent float4,
     OUT processor_time_percent float4, OUT privileged_time_percent float4, OUT interrupt_time_percent float4`,
    '(20::float4, 1::float4, 9::float4, 65::float4, 5::float4, 0::float4, 0::float4, null::float4, null::float4, null::float4, null::float4)',
  ),
  fn(
    'pg_sys_disk_info',
    `OUT mount_point text, OUT file_system text, OUT drive_letter text, OUT drive_type int,
     OUT file_system_type text, OUT total_space int8, OUT used_space int8, OUT free_space int8,
     OUT total_inodes int8, OUT used_inodes int8, OUT free_inodes int8`,
    `('/'::text, '/dev/sda1'::text, null::text, null::int, 'ext4'::text, 1000::int8, 600::int8, 400::int8, 10::int8, 5::int8, 5::int8)`,
  ),
  fn(
    'pg_sys_network_info',
    `OUT interface_name text, OUT ip_address text, OUT tx_bytes int8, OUT tx_packets int8, OUT tx_errors int8,
     OUT tx_dropped int8, OUT rx_bytes int8, OUT rx_packets int8, OUT rx_errors int8, OUT rx_dropped int8,
     OUT link_speed_mbps int`,
    `('eth0'::text, '10.0.0.5'::text, 500::int8, 5::int8, 1::int8, 0::int8, 700::int8, 7::int8, 2::int8, 0::int8, 1000)`,
  ),
].join('\n');

// The older disk layout (available_space, no free_space) and load average without 15 minutes.
const SYSTEM_STATS_OLD = `
  DROP FUNCTION pg_sys_disk_info(); DROP FUNCTION pg_sys_load_avg_info();
  ${fn(
    'pg_sys_disk_info',
    `OUT file_system text, OUT file_system_type text, OUT mount_point text, OUT total_space int8,
     OUT used_space int8, OUT available_space int8, OUT reserved_space int8, OUT total_inodes int8,
     OUT used_inodes int8, OUT free_inodes int8`,
    `('/dev/sda1'::text, 'ext4'::text, '/data'::text, 1000::int8, 700::int8, 250::int8, 50::int8, 10::int8, 5::int8, 5::int8)`,
  )}
  ${fn(
    'pg_sys_load_avg_info',
    'OUT load_avg_one_minute float4, OUT load_avg_five_minutes float4, OUT load_avg_ten_minutes float4',
    '(2::float4, 1::float4, 0.5::float4)',
  )}
`;

describe.each(testMajors())(
  'spock and system_stats probes against stand-ins on PostgreSQL %i',
  (major) => {
    let target: TestDatabase;
    let client: pg.Client;
    let ctx: ProbeContext;

    beforeAll(async () => {
      target = await freshDatabase(major, 'standin');
      ({ client, ctx } = await probeSession(target.url));
      await client.query(SPOCK + SYSTEM_STATS);
      // what the collector would find in pg_extension with the real extensions installed
      ctx = {
        ...ctx,
        extensions: new Map([...ctx.extensions, ['spock', '5.0.0'], ['system_stats', '3.3']]),
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
      expect(await rows('os_load')).toEqual([{ load_1m: 1.5, load_5m: 1.25, load_15m: 0.75 }]);
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
        { mount_point: '/', total_bytes: 1000, used_bytes: 600, available_bytes: 400 },
      ]);
      expect(await rows('os_network')).toEqual([
        { interface_name: 'eth0', tx_bytes: 500, rx_bytes: 700, tx_errors: 1, rx_errors: 2 },
      ]);
    });

    it('reads the older disk layout and gives NULL for a column the release lacks', async () => {
      await client.query(SYSTEM_STATS_OLD);
      expect(await rows('os_disk')).toEqual([
        { mount_point: '/data', total_bytes: 1000, used_bytes: 700, available_bytes: 250 },
      ]);
      expect(await rows('os_load')).toEqual([{ load_1m: 2, load_5m: 1, load_15m: null }]);
    });
  },
);
