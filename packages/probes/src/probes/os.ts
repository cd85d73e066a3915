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
