import { HEALTH_STATES } from '@pgvigil/schema';
import type { Severity } from '../domain';

/** How a server looks at a glance on the fleet page, worst last. */
export { HEALTH_STATES } from '@pgvigil/schema';
export type HealthState = (typeof HEALTH_STATES)[number];

/** Open alert states that mean "something is wrong right now". */
export const ACTIVE_ALERT_STATES = ['firing', 'acknowledged'] as const;

/**
 * Reachability first (a server that cannot be reached is down whatever its alerts),
 * then the worst active alert; `unknown` until a collector has checked it once.
 */
export function healthOf(
  enabled: boolean,
  worst: Severity | null,
  reachability: 'up' | 'down' | null,
): HealthState {
  if (!enabled) return 'disabled';
  if (reachability === 'down') return 'down';
  if (worst === 'critical') return 'critical';
  if (worst === 'warning') return 'degraded';
  return reachability === 'up' ? 'ok' : 'unknown';
}
