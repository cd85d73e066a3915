import type { Severity } from '../domain';

/** How a server looks at a glance on the fleet page. */
export const HEALTH_STATES = ['ok', 'degraded', 'critical', 'disabled'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Open alert states that mean "something is wrong right now". */
export const ACTIVE_ALERT_STATES = ['firing', 'acknowledged'] as const;

export function healthOf(enabled: boolean, worst: Severity | null): HealthState {
  if (!enabled) return 'disabled';
  if (worst === 'critical') return 'critical';
  if (worst === 'warning') return 'degraded';
  return 'ok';
}
