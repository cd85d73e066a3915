import { V14, defineProbe } from './define';

// The system_stats extension exposes the host's OS counters through SQL; without it
// pgvigil stays agentless and reports these probes as unavailable.
const base = {
  scope: 'instance',
  intervalSeconds: 60,
  requiresExtension: 'system_stats',
} as const;

export const osLoad = defineProbe({
  ...base,
  name: 'os_load',
  title: 'OS load average',
  description: 'Load averages of the database host (system_stats extension).',
  sources: ['pg_sys_load_avg_info()'],
  columns: [
    { name: 'load_1m', type: 'double' },
    { name: 'load_5m', type: 'double' },
    { name: 'load_15m', type: 'double' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT load_avg_one_minute::double precision AS load_1m,
                   load_avg_five_minutes::double precision AS load_5m,
                   load_avg_fifteen_minutes::double precision AS load_15m
              FROM pg_sys_load_avg_info()`,
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
      sql: `SELECT total_memory::bigint, used_memory::bigint, free_memory::bigint, swap_total::bigint,
                   swap_used::bigint, cache_total::bigint
              FROM pg_sys_memory_info()`,
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
      sql: `SELECT usermode_normal_process_percent::double precision AS user_pct,
                   usermode_niced_process_percent::double precision AS nice_pct,
                   kernelmode_process_percent::double precision AS system_pct,
                   idle_mode_percent::double precision AS idle_pct,
                   io_completion_percent::double precision AS iowait_pct
              FROM pg_sys_cpu_usage_info()`,
    },
  ],
});

export const osDisk = defineProbe({
  ...base,
  name: 'os_disk',
  title: 'OS disks',
  description: 'Space per mounted file system of the database host (system_stats extension).',
  sources: ['pg_sys_disk_info()'],
  intervalSeconds: 300,
  columns: [
    { name: 'mount_point', type: 'text', key: true },
    { name: 'total_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'used_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'available_bytes', type: 'bigint', unit: 'bytes' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT mount_point::text, total_space::bigint AS total_bytes, used_space::bigint AS used_bytes,
                   available_space::bigint AS available_bytes
              FROM pg_sys_disk_info()`,
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
      sql: `SELECT interface_name::text, tx_bytes::bigint, rx_bytes::bigint, tx_errors::bigint, rx_errors::bigint
              FROM pg_sys_network_info()`,
    },
  ],
});
