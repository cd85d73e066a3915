import type { AlertListItem } from '@pgvigil/db/alerting';

/** An alert row in the API's camelCase words: the web API and the MCP tools answer with it. */
export const alertView = (a: AlertListItem) => ({
  id: a.id,
  ruleId: a.rule_id,
  ruleKey: a.rule_key,
  ruleName: a.rule_name,
  serverId: a.server_id,
  serverName: a.server_name,
  databaseName: a.database_name,
  objectKey: a.object_key,
  fingerprint: a.fingerprint,
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
  acknowledgedBy: a.acknowledged_by,
  ackComment: a.ack_comment,
  ackUntil: a.ack_until ?? null,
  ownerId: a.owner_id ?? null,
  escalationId: a.escalation_id ?? null,
  escalationStep: a.escalation_step ?? null,
  heldBy:
    a.held_by_server_id != null
      ? { serverId: a.held_by_server_id, serverName: a.held_by_server_name ?? null }
      : null,
  notified: a.notified,
  lastNotifiedAt: a.last_notified_at,
  details: a.details,
  lastEvaluatedAt: a.last_evaluated_at,
  updatedAt: a.updated_at,
});
