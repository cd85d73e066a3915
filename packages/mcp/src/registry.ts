// Every tool, in the order clients list them. Names are a public contract: an AI
// client's saved prompts and configs refer to them, so a name never changes.
import type { Role } from '@pgvigil/schema';
import type { McpCaller, ToolDef } from './tool';
import { blockingNow, liveSessions } from './tools/activity';
import { indexAdvice } from './tools/advice';
import { investigateAlert, listAlerts } from './tools/alerts';
import { schemaChanges, settingsChanges } from './tools/changes';
import { explainQuery } from './tools/explain';
import { fleetStatus, listServers, serverOverview } from './tools/fleet';
import { listMetrics, metricSeries } from './tools/metrics';
import { indexHealth, tableHealth } from './tools/objects';
import { queryHistory, topQueries } from './tools/queries';
import { readiness } from './tools/readiness';
import { poolerStatus } from './tools/pooler';
import { replicationStatus } from './tools/replication';

export const TOOLS: readonly ToolDef[] = [
  fleetStatus,
  listServers,
  serverOverview,
  listAlerts,
  investigateAlert,
  listMetrics,
  metricSeries,
  topQueries,
  queryHistory,
  tableHealth,
  indexHealth,
  indexAdvice,
  settingsChanges,
  schemaChanges,
  blockingNow,
  liveSessions,
  replicationStatus,
  poolerStatus,
  explainQuery,
  readiness,
];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export const findTool = (name: string) => TOOLS.find((t) => t.name === name);

/** Why `caller` may not use `tool`, in words for the caller; null when they may. */
export function refusal(caller: McpCaller, tool: ToolDef): string | null {
  if (RANK[caller.role] < RANK[tool.minRole])
    return `${tool.name} needs the ${tool.minRole} role; you are ${caller.role}.`;
  if (tool.access !== 'read' && caller.scope === 'read')
    return `${tool.name} is not a read-only tool, and this token may only read. Create a token with full scope.`;
  return null;
}

/** The tools `caller` may use: what tools/list shows them. */
export const toolsFor = (caller: McpCaller) => TOOLS.filter((t) => refusal(caller, t) === null);
