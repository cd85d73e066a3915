// Neither spock nor system_stats is packaged for Debian, so the probes and rules that
// read them are tested against stand-ins: plain tables and SQL functions with the
// names and OUT columns the extensions document (spock 4/5, system_stats 3.x, and
// system_stats' older disk layout). This proves the SQL parses and maps columns, not
// what the real C code returns. Values are parameters, so a test can move them.

const fn = (name: string, outs: string, values: string) =>
  `CREATE OR REPLACE FUNCTION ${name}(${outs}) RETURNS SETOF record LANGUAGE sql AS $$ VALUES ${values} $$;`;

/** Spock's catalog as the probes read it; exceptions are rows of spock.exception_log. */
export function spockStandIn(o: { status?: string } = {}): string {
  return `
  CREATE SCHEMA IF NOT EXISTS spock;
  CREATE TABLE IF NOT EXISTS spock.node (node_id oid PRIMARY KEY, node_name name NOT NULL);
  INSERT INTO spock.node VALUES (101, 'n1'), (102, 'n2') ON CONFLICT DO NOTHING;
  CREATE OR REPLACE FUNCTION spock.sub_show_status(subscription_name name DEFAULT NULL,
      OUT subscription_name text, OUT status text, OUT provider_node text, OUT provider_dsn text,
      OUT slot_name text, OUT replication_sets text[], OUT forward_origins text[])
    RETURNS SETOF record LANGUAGE sql STABLE
    AS $$ VALUES ('sub_n1_n2'::text, '${o.status ?? 'replicating'}'::text, 'n1'::text, 'host=n1'::text,
                  'spk_slot'::text, ARRAY['default']::text[], ARRAY[]::text[]) $$;
  CREATE TABLE IF NOT EXISTS spock.exception_log (remote_origin oid, error_message text);
  CREATE TABLE IF NOT EXISTS spock.resolutions (id serial, conflict_type text);
`;
}

export interface HostStandIn {
  load?: { one: number; five: number; fifteen: number };
  memory?: { total: number; used: number };
  swap?: { total: number; used: number };
  /** logical CPUs pg_sys_cpu_info() reports */
  cpus?: number;
  cpuIdlePct?: number;
  disk?: { mount: string; total: number; used: number; inodes?: { total: number; used: number } };
}

/** system_stats 3.x functions reporting the given host figures. */
export function systemStatsStandIn(o: HostStandIn = {}): string {
  const load = o.load ?? { one: 1.5, five: 1.25, fifteen: 0.75 };
  const mem = o.memory ?? { total: 8000, used: 6000 };
  const swap = o.swap ?? { total: 100, used: 10 };
  const cpus = o.cpus ?? 4;
  const idle = o.cpuIdlePct ?? 65;
  const disk = o.disk ?? { mount: '/', total: 1000, used: 600 };
  return [
    fn(
      'pg_sys_load_avg_info',
      'OUT load_avg_one_minute float4, OUT load_avg_five_minutes float4, OUT load_avg_ten_minutes float4, OUT load_avg_fifteen_minutes float4',
      `(${load.one}::float4, ${load.five}::float4, 1::float4, ${load.fifteen}::float4)`,
    ),
    fn(
      'pg_sys_memory_info',
      `OUT total_memory int8, OUT used_memory int8, OUT free_memory int8, OUT swap_total int8, OUT swap_used int8,
       OUT swap_free int8, OUT cache_total int8, OUT kernel_total int8, OUT kernel_paged int8,
       OUT kernel_non_paged int8, OUT total_page_file int8, OUT avail_page_file int8`,
      `(${mem.total}::int8, ${mem.used}::int8, ${mem.total - mem.used}::int8, ${swap.total}::int8, ${swap.used}::int8, ${swap.total - swap.used}::int8, 3000::int8, null::int8, null::int8, null::int8, null::int8, null::int8)`,
    ),
    fn(
      'pg_sys_cpu_info',
      `OUT vendor text, OUT description text, OUT model_name text, OUT processor_type int,
       OUT logical_processor int, OUT physical_processor int, OUT no_of_cores int, OUT architecture text,
       OUT clock_speed_hz int8, OUT cpu_type text, OUT cpu_family text, OUT byte_order text,
       OUT l1dcache_size int, OUT l1icache_size int, OUT l2cache_size int, OUT l3cache_size int`,
      `('GenuineIntel'::text, null::text, 'Xeon'::text, null::int, ${cpus}::int, 1::int, ${Math.ceil(cpus / 2)}::int, 'x86_64'::text, 2400000000::int8, null::text, '6'::text, 'Little Endian'::text, null::int, null::int, null::int, null::int)`,
    ),
    fn(
      'pg_sys_cpu_usage_info',
      `OUT usermode_normal_process_percent float4, OUT usermode_niced_process_percent float4,
       OUT kernelmode_process_percent float4, OUT idle_mode_percent float4, OUT io_completion_percent float4,
       OUT servicing_irq_percent float4, OUT servicing_softirq_percent float4, OUT user_time_percent float4,
       OUT processor_time_percent float4, OUT privileged_time_percent float4, OUT interrupt_time_percent float4`,
      `(20::float4, 1::float4, 9::float4, ${idle}::float4, 5::float4, 0::float4, 0::float4, null::float4, null::float4, null::float4, null::float4)`,
    ),
    fn(
      'pg_sys_disk_info',
      `OUT mount_point text, OUT file_system text, OUT drive_letter text, OUT drive_type int,
       OUT file_system_type text, OUT total_space int8, OUT used_space int8, OUT free_space int8,
       OUT total_inodes int8, OUT used_inodes int8, OUT free_inodes int8`,
      `('${disk.mount}'::text, '/dev/sda1'::text, null::text, null::int, 'ext4'::text, ${disk.total}::int8, ${disk.used}::int8, ${disk.total - disk.used}::int8, ${disk.inodes?.total ?? 10}::int8, ${disk.inodes?.used ?? 5}::int8, ${(disk.inodes?.total ?? 10) - (disk.inodes?.used ?? 5)}::int8)`,
    ),
    fn(
      'pg_sys_network_info',
      `OUT interface_name text, OUT ip_address text, OUT tx_bytes int8, OUT tx_packets int8, OUT tx_errors int8,
       OUT tx_dropped int8, OUT rx_bytes int8, OUT rx_packets int8, OUT rx_errors int8, OUT rx_dropped int8,
       OUT link_speed_mbps int`,
      `('eth0'::text, '10.0.0.5'::text, 500::int8, 5::int8, 1::int8, 0::int8, 700::int8, 7::int8, 2::int8, 0::int8, 1000)`,
    ),
    fn(
      'pg_sys_io_analysis_info',
      `OUT device_name text, OUT total_reads int8, OUT total_writes int8, OUT read_bytes int8,
       OUT write_bytes int8, OUT read_time_ms int8, OUT write_time_ms int8`,
      `('sda'::text, 120::int8, 80::int8, 4096000::int8, 2048000::int8, 30::int8, 45::int8)`,
    ),
  ].join('\n');
}

/**
 * The older system_stats layout: disk with available_space (no free_space), load without
 * 15 minutes, the CPU count as no_of_cpu (1.x).
 */
export const SYSTEM_STATS_OLD_STAND_IN = `
  DROP FUNCTION pg_sys_disk_info(); DROP FUNCTION pg_sys_load_avg_info(); DROP FUNCTION pg_sys_cpu_info();
  ${fn(
    'pg_sys_cpu_info',
    `OUT architecture text, OUT cpu_op_mode text, OUT byte_order text, OUT no_of_cpu int,
     OUT threads_per_core int, OUT core_per_socket int, OUT no_of_sockets int, OUT vendor_id text,
     OUT cpu_family text, OUT model text, OUT model_name text, OUT cpu_mhz text`,
    `('x86_64'::text, '64-bit'::text, 'Little Endian'::text, 8::int, 2::int, 4::int, 1::int, 'GenuineIntel'::text, '6'::text, '85'::text, 'Xeon'::text, '2400'::text)`,
  )}
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

/** What the collector would find in pg_extension with the real extensions installed. */
export const STAND_IN_EXTENSIONS = { spock: '5.0.0', system_stats: '3.3' } as const;
