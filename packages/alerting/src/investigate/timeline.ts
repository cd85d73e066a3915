import type { Queryable } from '@pgvigil/db';
import {
  listEvents,
  listRelatedAlerts,
  listSnapshotDatabases,
  readServerInfo,
} from '@pgvigil/db/alerting';
import { listSchemaChanges, listSettingChanges } from '@pgvigil/db/dashboard';
import type { SettingMove } from './findings';
import type { TimelineEntry } from './types';

export interface TimelineInput {
  server: {
    id: number;
    name: string;
    clusterId: number | null;
    members: { id: number; name: string }[];
  };
  alertId: number;
  from: Date;
  to: Date;
  /** the page showing a server over the window */
  serverHref: (serverId: number, anchor: string) => string;
}

const within = (d: Date, from: Date, to: Date) => d >= from && d <= to;

/**
 * What happened on the server and its cluster in the window: restarts and role
 * changes (server_info), setting and DDL changes (change-tracked probes), other
 * alerts, and markers posted with POST /api/v1/events; oldest first.
 */
export async function readTimeline(
  db: Queryable,
  i: TimelineInput,
): Promise<{ entries: TimelineEntry[]; settings: SettingMove[] }> {
  const names = new Map([
    [i.server.id, i.server.name],
    ...i.server.members.map((m) => [m.id, m.name] as const),
  ]);
  const serverIds = [...names.keys()];
  const other = (id: number | null) =>
    id === null || id === i.server.id ? null : (names.get(id) ?? null);
  // one read after the other: `db` may be a transaction's single connection
  const info = await readServerInfo(db, { serverIds, from: i.from, to: i.to });
  const alerts = await listRelatedAlerts(db, {
    serverIds,
    exceptId: i.alertId,
    from: i.from,
    to: i.to,
  });
  const events = await listEvents(db, {
    from: i.from,
    to: i.to,
    serverId: i.server.id,
    clusterId: i.server.clusterId,
  });
  const settingRows = await listSettingChanges({
    db,
    input: { serverId: i.server.id, limit: 200 },
  });
  const databases = await listSnapshotDatabases(db, i.server.id);
  const entries: TimelineEntry[] = [];
  // restarts and failovers: a new start_time, a role that changed
  for (let k = 1; k < info.length; k++) {
    const [a, b] = [info[k - 1]!, info[k]!];
    if (a.server_id !== b.server_id || !within(b.collected_at, i.from, i.to)) continue;
    const href = i.serverHref(b.server_id, '');
    if (a.start_time && b.start_time && a.start_time.getTime() !== b.start_time.getTime())
      entries.push({
        at: b.start_time,
        kind: 'restart',
        serverName: other(b.server_id),
        text: 'server restarted',
        href,
      });
    if (a.role && b.role && a.role !== b.role)
      entries.push({
        at: b.collected_at,
        kind: 'failover',
        serverName: other(b.server_id),
        text: `role changed from ${a.role} to ${b.role}`,
        href,
      });
  }
  const settings: SettingMove[] = settingRows
    .filter((s) => within(s.seenAt, i.from, i.to))
    .map((s) => ({
      name: s.name,
      before: s.before,
      after: s.after,
      unit: s.unit,
      previousAt: s.previousAt,
      seenAt: s.seenAt,
    }));
  for (const s of settings)
    entries.push({
      at: s.seenAt,
      kind: 'setting',
      serverName: null,
      text: `${s.name}: ${s.before ?? '(unset)'} → ${s.after ?? '(unset)'}`,
      href: i.serverHref(i.server.id, 'settings'),
    });
  const ddl: TimelineEntry[][] = [];
  for (const database of databases) {
    const changes = await listSchemaChanges({
      db,
      input: { serverId: i.server.id, database, limit: 100 },
    });
    ddl.push(
      changes
        .filter((c) => within(c.seenAt, i.from, i.to))
        .map((c): TimelineEntry => ({
          at: c.seenAt,
          kind: 'ddl',
          serverName: null,
          text: `${c.kind} ${c.schemaname}.${c.name} ${c.change} in ${database}`,
          href: `/servers/${i.server.id}/databases/${encodeURIComponent(database)}`,
        })),
    );
  }
  entries.push(...ddl.flat());
  for (const a of alerts)
    entries.push({
      at: a.started_at,
      kind: 'alert',
      serverName: other(a.server_id),
      text: `${a.rule_name} (${a.state}): ${a.message}`,
      href: `/alerts/${a.id}`,
    });
  for (const e of events)
    entries.push({
      at: e.at,
      kind: 'event',
      serverName: e.server_id !== null ? other(e.server_id) : null,
      text: `${e.kind}: ${e.title}`,
      href: null,
    });
  entries.sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      a.kind.localeCompare(b.kind) ||
      a.text.localeCompare(b.text),
  );
  return { entries, settings };
}
