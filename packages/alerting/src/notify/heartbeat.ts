import type { Health } from '@pgvigil/db';
import { postJson, type SendContext } from './sender';

/**
 * The dead-man's switch: whether pgvigil may tell an outside watcher (a
 * healthchecks-style URL) that it is well. Only when /api/v1/health would say `ok`:
 * the datastore answers, the collector and the alerter report, nothing lags or drops.
 * Any problem withholds the beat, and the watcher's own timeout raises the alarm.
 */
export function heartbeatVerdict(
  health: Pick<Health, 'status' | 'problems' | 'migrationVersion'>,
): { send: true } | { send: false; why: string } {
  if (health.status === 'ok') return { send: true };
  const why = health.problems.map((p) => p.what).join('; ');
  return { send: false, why: why || `health is ${health.status}` };
}

/**
 * POSTs the beat under the outbound policy webhooks follow (resolved and checked
 * first, no redirects). The body says only that pgvigil is well, and when.
 */
export async function sendHeartbeat(
  url: string,
  at: Date,
  ctx: Pick<SendContext, 'timeoutMs' | 'resolve'>,
): Promise<void> {
  await postJson(url, JSON.stringify({ status: 'ok', at: at.toISOString() }), {}, ctx);
}
