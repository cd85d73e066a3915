import { DETECTORS } from './detectors';
import type { Findings } from './findings';
import type { Cause } from './types';

/**
 * Rules whose alert a cause usually explains: that cause gets +0.05, enough to break
 * a near tie, never to outweigh evidence.
 */
const EXPLAINS: Partial<Record<keyof typeof DETECTORS, readonly string[]>> = {
  lockPileUp: [
    'lock_waiters',
    'lock_wait_time',
    'long_transaction',
    'idle_in_transaction',
    'deadlocks',
  ],
  connectionLeak: ['connections_used', 'anomaly_connections'],
  checkpointStorm: ['checkpoints_requested', 'wal_directory_growth', 'anomaly_wal_bytes'],
  runawayQuery: [
    'long_query',
    'cache_hit_ratio',
    'anomaly_cache_hit',
    'anomaly_query_time',
    'cpu_used',
    'load',
  ],
  settingChange: ['temp_bytes', 'anomaly_temp_bytes', 'anomaly_query_time', 'pending_restart'],
  restart: ['server_restarted', 'server_down'],
  failover: ['standby_disconnected', 'replication_lag_bytes', 'replication_lag_time'],
};

/**
 * Runs every detector and ranks what they found: by score (rounded to 0.01), then by
 * the detectors' order. Pure and deterministic: the same findings, the same list.
 */
export function rankCauses(f: Findings): Cause[] {
  const out: Cause[] = [];
  for (const [name, detect] of Object.entries(DETECTORS) as [
    keyof typeof DETECTORS,
    (typeof DETECTORS)[keyof typeof DETECTORS],
  ][]) {
    const v = detect(f);
    if (!v) continue;
    const reasons = [...v.reasons];
    let score = v.score;
    if (EXPLAINS[name]?.includes(f.ruleKey)) {
      score += 0.05;
      reasons.push(`usually explains ${f.ruleKey} (+0.05)`);
    }
    out.push({ detector: name, ...v, reasons, score: Math.round(Math.min(1, score) * 100) / 100 });
  }
  const order = Object.keys(DETECTORS);
  return out.sort(
    (a, b) => b.score - a.score || order.indexOf(a.detector) - order.indexOf(b.detector),
  );
}
