import type { HealthState } from '@pgvigil/schema';

const LABEL: Record<HealthState | 'info' | 'warning', string> = {
  ok: 'OK',
  unknown: 'No data yet',
  down: 'Down',
  degraded: 'Degraded',
  critical: 'Critical',
  disabled: 'Disabled',
  info: 'Info',
  warning: 'Warning',
};

/** Colour plus a word, so state never depends on colour alone. */
export function StatusBadge({ state }: { state: keyof typeof LABEL }) {
  return <span className={`badge badge-${state}`}>{LABEL[state]}</span>;
}
