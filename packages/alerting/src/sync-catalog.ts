import type { Db } from '@pgvigil/db';
import { syncBuiltinRules } from '@pgvigil/db/alerting';
import { BUILTIN_RULES } from './rules';

/** Writes the catalog into the rules table (new rules, new texts; tuning untouched). */
export async function syncCatalog(db: Db): Promise<void> {
  await syncBuiltinRules(
    db,
    BUILTIN_RULES.map((r) => ({
      key: r.key,
      name: r.name,
      kind: r.kind,
      probe: r.source.probe,
      definition: {
        category: r.category,
        unit: r.unit,
        operator: r.operator,
        aggregation: r.aggregation,
        windowSeconds: r.windowSeconds,
        columns: r.source.columns,
        objectKeys: r.source.objectKeys ?? [],
        explanation: r.explanation,
        runbook: r.runbook,
        ...(r.forecast ? { forecast: r.forecast } : {}),
      },
      defaultSeverity: r.defaultSeverity ?? 'warning',
      warning: r.warning,
      critical: r.critical,
      forSeconds: r.forSeconds,
      enabled: r.enabledByDefault ?? true,
    })),
  );
}
