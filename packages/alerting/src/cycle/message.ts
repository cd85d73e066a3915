import type { Baseline, Forecast } from '../core';
import { formatValue } from '@pgvigil/schema';
import type { RuleDefinition } from '../rules';

const SOURCE_LABEL = {
  hour_of_week: 'same hour of the week',
  hour_of_day: 'same hour of the day',
  overall: 'all history',
} as const;

/**
 * The one-line message of a built-in rule's alert: its name and its value with the
 * value's unit. An anomaly shows the metric against its expected band, a forecast
 * when the limit is reached and where the trend is now.
 */
export function alertMessage(
  def: RuleDefinition,
  value: number | null,
  details: Record<string, unknown>,
): string {
  if (value === null || def.unit === 'bool') return def.name;
  const band = details.baseline as Baseline | undefined;
  const current = details.current as number | undefined;
  if (def.kind === 'anomaly' && def.anomaly && band?.ready && current !== undefined) {
    const unit = def.anomaly.metricUnit;
    const show = (n: number) => formatValue(n, unit);
    // every anomaly metric is a rate, a count or a ratio: never below zero
    const lower = Math.max(0, band.lower);
    return (
      `${def.name}: ${show(current)}, expected ${show(lower)} to ${show(band.upper)}` +
      ` (median ${show(band.median)}, ${SOURCE_LABEL[band.source]}; ${formatValue(value, def.unit)} off)`
    );
  }
  const trend = details.forecast as Forecast | null | undefined;
  if (def.kind === 'forecast' && trend) {
    const limit = def.forecast?.limit ?? 100;
    return (
      `${def.name}: ${limit} % in ${formatValue(value, def.unit)}` +
      ` (now ${formatValue(trend.current, 'percent')}, ${formatValue(trend.slopePerDay, 'percent')} a day)`
    );
  }
  const excerpt = typeof details.excerpt === 'string' ? ` (${details.excerpt})` : '';
  return `${def.name}: ${formatValue(value, def.unit)}${excerpt}`;
}
