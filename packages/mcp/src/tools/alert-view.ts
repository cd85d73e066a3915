import type { AlertListItem } from '@pgvigil/db/alerting';

/** An alert row in the API's camelCase words. */
export function alertView(a: AlertListItem) {
  return {
    id: a.id,
    ruleKey: a.rule_key,
    ruleName: a.rule_name,
    serverId: a.server_id,
    serverName: a.server_name,
    databaseName: a.database_name,
    objectKey: a.object_key,
    state: a.state,
    severity: a.severity,
    value: a.value,
    threshold: a.threshold,
    unit: a.unit,
    message: a.message,
    startedAt: a.started_at,
    firedAt: a.fired_at,
    resolvedAt: a.resolved_at,
    acknowledgedAt: a.acknowledged_at,
    details: a.details,
  };
}
