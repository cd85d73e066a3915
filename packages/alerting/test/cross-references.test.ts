import { getMetricSpec } from '@pgvigil/probes';
import { CHART_IDS, CHARTS } from '@pgvigil/schema';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../src/rules';

// Rules and charts name probe columns as strings; this is where a renamed or
// removed column fails, instead of a chart going blank or a rule never firing.
// Probes prefixed with '$' are the alerter's own sources (heartbeat, staleness).
const columnsOf = (probe: string) => {
  const def = getMetricSpec(probe);
  return def ? new Set(def.columns.map((c) => c.name)) : null;
};

describe('every (probe, column) a rule or chart names exists', () => {
  it.each(BUILTIN_RULES.filter((r) => !r.source.probe.startsWith('$')).map((r) => [r.key, r]))(
    'rule %s',
    (_key, rule) => {
      const columns = columnsOf(rule.source.probe);
      expect(columns, `probe ${rule.source.probe}`).not.toBeNull();
      for (const c of [
        ...rule.source.columns,
        ...(rule.source.objectKeys ?? []),
        ...(rule.source.unavailableColumn ? [rule.source.unavailableColumn] : []),
      ])
        expect(columns!.has(c), `${rule.source.probe}.${c}`).toBe(true);
      if (rule.forecast?.limitColumn)
        expect(columns!.has(rule.forecast.limitColumn), rule.forecast.limitColumn).toBe(true);
    },
  );

  it.each(CHART_IDS)('chart %s', (id) => {
    const chart = CHARTS[id];
    const columns = columnsOf(chart.probe);
    expect(columns, `probe ${chart.probe}`).not.toBeNull();
    const named = [chart.splitBy, chart.databaseKey, chart.objectKey, ...chart.columns];
    for (const c of named.filter((c): c is string => c !== undefined))
      expect(columns!.has(c), `${chart.probe}.${c}`).toBe(true);
  });
});
