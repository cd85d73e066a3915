import { V14, V16, defineProbe } from './define';

// The pg_buffercache view copies every buffer header of shared_buffers into a result
// (no buffer-mapping locks since PostgreSQL 10, one header spinlock at a time): its cost
// grows with shared_buffers, not with the data. Measured with 512 MB (65,536 buffers) on a
// busy 2-core machine: 150-320 ms for the view's aggregate, 1-3 ms for 16+'s
// pg_buffercache_usage_counts(), which aggregates in C. Hence hourly by database.
const base = {
  scope: 'instance',
  requiresExtension: 'pg_buffercache',
} as const;
const COST =
  'Needs CREATE EXTENSION pg_buffercache in the database pgvigil connects to (pg_monitor may read it). With 512 MB of shared_buffers the view aggregate took 150-320 ms (a busy 2-core machine) and grows with shared_buffers';

const counts = ['buffers', 'dirty', 'pinned'].map((name) => ({
  name,
  type: 'int' as const,
  unit: 'count' as const,
}));

export const buffercacheDatabases = defineProbe({
  ...base,
  name: 'buffercache_databases',
  intervalSeconds: 3600,
  notes: `${COST}: hourly.`,
  title: 'Shared buffers by database',
  description:
    'Buffers of shared_buffers per database: how many hold its pages, how many of those are dirty (written to but not yet flushed) and pinned. (unused) are free buffers, (shared catalogs) the cluster-wide catalogs; the dirty share is dirty / buffers.',
  sources: ['pg_buffercache'],
  columns: [{ name: 'datname', type: 'text', key: true }, ...counts],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT coalesce(d.datname::text,
                            CASE WHEN b.reldatabase IS NULL THEN '(unused)'
                                 WHEN b.reldatabase = 0 THEN '(shared catalogs)'
                                 ELSE '(dropped database)' END) AS datname,
                   count(*)::int AS buffers,
                   count(*) FILTER (WHERE b.isdirty)::int AS dirty,
                   count(*) FILTER (WHERE b.pinning_backends > 0)::int AS pinned
              FROM pg_buffercache b LEFT JOIN pg_database d ON d.oid = b.reldatabase
             GROUP BY 1`,
    },
  ],
});

export const buffercacheUsage = defineProbe({
  ...base,
  name: 'buffercache_usage',
  intervalSeconds: 900,
  notes: `${COST} on 14 and 15; pg_buffercache_usage_counts() (16+) took 1-3 ms.`,
  title: 'Shared buffers by usage count',
  description:
    'Buffers of shared_buffers per usage count (0 to 5; free buffers count as 0), with how many are dirty and pinned. Many buffers at 5 means a working set that fits; most at 0 or 1 means buffers are evicted soon after they are read. 16+: pg_buffercache_usage_counts(); 14 and 15: an aggregate over the pg_buffercache view.',
  sources: ['pg_buffercache_usage_counts() (16+)', 'pg_buffercache (14, 15)'],
  columns: [{ name: 'usage_count', type: 'int', key: true }, ...counts],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT coalesce(usagecount, 0)::int AS usage_count, count(*)::int AS buffers,
                   count(*) FILTER (WHERE isdirty)::int AS dirty,
                   count(*) FILTER (WHERE pinning_backends > 0)::int AS pinned
              FROM pg_buffercache GROUP BY 1`,
    },
    {
      minVersion: V16,
      minExtensionVersion: '1.4',
      sql: `SELECT usage_count, buffers, dirty, pinned FROM pg_buffercache_usage_counts()`,
    },
  ],
});
