import { SERVER_RULES } from './catalog-core';
import { HEALTH_RULES } from './catalog-health';
import { LOG_RULES } from './catalog-logs';
import { PATRONI_RULES } from './catalog-patroni';
import { PGBOUNCER_RULES } from './catalog-pgbouncer';
import { REPLICATION_RULES } from './catalog-replication';
import { STORAGE_RULES } from './catalog-storage';
import { TREND_RULES } from './catalog-trends';
import type { RuleDefinition } from './types';

/** Every built-in rule, keyed by its stable key (also rules.key in the datastore). */
export const BUILTIN_RULES: readonly RuleDefinition[] = [
  ...SERVER_RULES,
  ...REPLICATION_RULES,
  ...STORAGE_RULES,
  ...TREND_RULES,
  ...HEALTH_RULES,
  ...PATRONI_RULES,
  ...PGBOUNCER_RULES,
  ...LOG_RULES,
];

export const BUILTIN_BY_KEY: ReadonlyMap<string, RuleDefinition> = new Map(
  BUILTIN_RULES.map((r) => [r.key, r]),
);
