import { V14, defineProbe } from './define';

// The system_stats extension exposes the host's OS counters through SQL; without it
// pgvigil stays agentless and reports these probes as unavailable. Its functions'
// OUT columns differ between releases and platforms (free_space vs available_space,
// no load_avg_fifteen_minutes or cache_total in some), so each row is read by column
// name through to_jsonb: a column the installed release lacks is NULL, not a failure.
const field = (type: 'double precision' | 'bigint' | 'text', ...names: string[]) =>
  `coalesce(${names.map((n) => `j->>'${n}'`).join(', ')})::${type}`;
const from = (fn: string) => `FROM ${fn}() f CROSS JOIN LATERAL to_jsonb(f) j`;
const base = {
  scope: 'instance',
  intervalSeconds: 60,
  requiresExtension: 'system_stats',
} as const;

export const osLoad = defineProbe({
  ...base,
  name: 'os_load',
  title: 'OS load average',
  description:
    'Load averages of the database host and its CPU count (system_stats extension), so that load is judged per CPU: a load of 8 is idle for 32 CPUs and saturation for 2.',
  sources: ['pg_sys_load_avg_info()', 'pg_sys_cpu_info()'],
  columns: [
    { name: 'load_1m', type: 'double' },
    { name: 'load_5m', type: 'double' },
    { name: 'load_15m', type: 'double' },
    {
      name: 'cpu_count',
      type: 'int',
      unit: 'count',
      description:
        'logical CPUs (logical_processor; no_of_cpu in system_stats 1.x, else no_of_cores); NULL when the release reports none',
    },
    { name: 'load_per_cpu', type: 'double', description: 'load_5m / cpu_count' },
  ],
  sql: [
    {
      minVersion: V14,
      // the run queue counts threads, so logical CPUs (hyperthreads included) are the divisor
      sql: `SELECT l.*, l.load_5m / c.cpu_count AS load_per_cpu, c.cpu_count
              FROM (SELECT ${field('double precision', 'load_avg_one_minute')} AS load_1m,
                           ${field('double precision', 'load_avg_five_minutes')} AS load_5m,
                           ${field('double precision', 'load_avg_fifteen_minutes')} AS load_15m
                      ${from('pg_sys_load_avg_info')}) l
             CROSS JOIN (SELECT nullif(max(${field('bigint', 'logical_processor', 'no_of_cpu', 'no_of_cores')}), 0)::int AS cpu_count
                           ${from('pg_sys_cpu_info')}) c`,
    },
  ],
});

export const osMemory = defineProbe({
  ...base,
  name: 'os_memory',
  title: 'OS memory',
  description: 'Memory and swap of the database host (system_stats extension).',
  sources: ['pg_sys_memory_info()'],
  columns: [
    'total_memory',
    'used_memory',
    'free_memory',
    'swap_total',
    'swap_used',
    'cache_total',
  ].map((name) => ({ name, type: 'bigint' as const, unit: 'bytes' as const })),
  sql: [
    {
      minVersion: V14,
      sql: `SELECT ${[
        'total_memory',
        'used_memory',
        'free_memory',
        'swap_total',
        'swap_used',
        'cache_total',
      ]
        .map((c) => `${field('bigint', c)} AS ${c}`)
        .join(', ')}
              ${from('pg_sys_memory_info')}`,
    },
  ],
});

export const osCpu = defineProbe({
  ...base,
  name: 'os_cpu',
  title: 'OS CPU usage',
  description: 'CPU time split of the database host, in percent (system_stats extension).',
  sources: ['pg_sys_cpu_usage_info()'],
  columns: ['user_pct', 'nice_pct', 'system_pct', 'idle_pct', 'iowait_pct'].map((name) => ({
    name,
    type: 'double' as const,
    unit: 'percent' as const,
  })),
  sql: [
    {
      minVersion: V14,
      sql: `SELECT ${field('double precision', 'usermode_normal_process_percent', 'usermode_normal_process')} AS user_pct,
                   ${field('double precision', 'usermode_niced_process_percent', 'usermode_niced_process')} AS nice_pct,
                   ${field('double precision', 'kernelmode_process_percent', 'kernelmode_process')} AS system_pct,
                   ${field('double precision', 'idle_mode_percent', 'idle_mode')} AS idle_pct,
                   ${field('double precision', 'io_completion_percent', 'io_completion')} AS iowait_pct
              ${from('pg_sys_cpu_usage_info')}`,
    },
  ],
});

export const osDisk = defineProbe({
  ...base,
  name: 'os_disk',
  title: 'OS disks',
  description:
    'Space and inodes per mounted file system of the database host (system_stats extension): a file system out of inodes refuses new files with space left.',
  sources: ['pg_sys_disk_info()'],
  intervalSeconds: 300,
  columns: [
    { name: 'mount_point', type: 'text', key: true },
    { name: 'total_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'used_bytes', type: 'bigint', unit: 'bytes' },
    {
      name: 'available_bytes',
      type: 'bigint',
      unit: 'bytes',
      description: 'available_space, or free_space where the release has no available_space',
    },
    { name: 'total_inodes', type: 'bigint' },
    { name: 'used_inodes', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT ${field('text', 'mount_point')} AS mount_point,
                   ${field('bigint', 'total_space')} AS total_bytes,
                   ${field('bigint', 'used_space')} AS used_bytes,
                   ${field('bigint', 'available_space', 'free_space')} AS available_bytes,
                   ${field('bigint', 'total_inodes')} AS total_inodes,
                   ${field('bigint', 'used_inodes')} AS used_inodes
              ${from('pg_sys_disk_info')}`,
    },
  ],
});

export const osDiskIo = defineProbe({
  ...base,
  name: 'os_disk_io',
  title: 'OS disk I/O',
  description:
    'Reads, writes, bytes and time spent per block device of the database host (system_stats extension), as rates.',
  sources: ['pg_sys_io_analysis_info()'],
  columns: [
    { name: 'device_name', type: 'text', key: true },
    { name: 'reads', type: 'bigint', counter: true },
    { name: 'writes', type: 'bigint', counter: true },
    { name: 'read_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'write_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'read_time_ms', type: 'bigint', counter: true, unit: 'ms' },
    { name: 'write_time_ms', type: 'bigint', counter: true, unit: 'ms' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT ${field('text', 'device_name')} AS device_name,
                   ${field('bigint', 'total_reads')} AS reads,
                   ${field('bigint', 'total_writes')} AS writes,
                   ${field('bigint', 'read_bytes')} AS read_bytes,
                   ${field('bigint', 'write_bytes')} AS write_bytes,
                   ${field('bigint', 'read_time_ms')} AS read_time_ms,
                   ${field('bigint', 'write_time_ms')} AS write_time_ms
              ${from('pg_sys_io_analysis_info')}`,
    },
  ],
});

export const osNetwork = defineProbe({
  ...base,
  name: 'os_network',
  title: 'OS network',
  description:
    'Bytes and errors per network interface of the database host (system_stats extension).',
  sources: ['pg_sys_network_info()'],
  columns: [
    { name: 'interface_name', type: 'text', key: true },
    { name: 'tx_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'rx_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'tx_errors', type: 'bigint', counter: true },
    { name: 'rx_errors', type: 'bigint', counter: true },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT ${field('text', 'interface_name')} AS interface_name,
                   ${['tx_bytes', 'rx_bytes', 'tx_errors', 'rx_errors'].map((c) => `${field('bigint', c)} AS ${c}`).join(', ')}
              ${from('pg_sys_network_info')}`,
    },
  ],
});
