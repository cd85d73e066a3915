import { ALERT_STATES, SEVERITIES } from '@pgvigil/schema';
import { listAlerts as readAlerts } from '@pgvigil/db/alerting';
import { alertView, investigateAlert as investigate, withAlertUnits } from '@pgvigil/alerting';
import { z } from 'zod';
import { defineTool } from '../tool';
import { alertContext } from './alert-context';

export const listAlerts = defineTool({
  name: 'list_alerts',
  title: 'List alerts',
  description:
    'Alerts, most recently changed first: firing, pending, acknowledged, silenced, resolved. Filter by state, severity and server.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    states: z.array(z.enum(ALERT_STATES)).optional().describe('default: firing and acknowledged'),
    severities: z.array(z.enum(SEVERITIES)).optional(),
    serverId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(500).optional().describe('default 50'),
  }),
  example: { states: ['firing'], severities: ['critical'] },
  async run({ db, links }, i) {
    const rows = await readAlerts(db, {
      states: i.states ?? ['firing', 'acknowledged'],
      ...(i.severities ? { severities: i.severities } : {}),
      ...(i.serverId ? { serverId: i.serverId } : {}),
      limit: i.limit ?? 50,
    });
    const alerts = (await withAlertUnits(db, rows)).map((a) => ({
      ...alertView(a),
      link: links.alerts(a.server_id),
    }));
    return {
      summary: `${alerts.length} alerts.`,
      data: { alerts },
      links: [{ label: 'Alerts', url: links.alerts(i.serverId) }],
    };
  },
});

export const investigateAlert = defineTool({
  name: 'investigate_alert',
  title: 'Investigate an alert',
  description:
    "Why an alert fired: the alert and its transitions, the rule (what it measures, its runbook), the server's state, the rule's metric from an hour before the start, and the root-cause investigation (timeline, metric shifts, statements, blocking, ranked likely causes with evidence; no LLM).",
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    alertId: z.number().int().positive().describe('the alert id (see list_alerts)'),
  }),
  example: { alertId: 42 },
  async run({ db, at, links }, i) {
    const [c, investigation] = await Promise.all([
      alertContext(db, i.alertId, at),
      investigate(db, i.alertId, at),
    ]);
    const a = c.alert;
    const top = investigation.causes[0];
    return {
      summary: `${a.ruleName} on ${a.serverName ?? 'no server'}: ${a.state}${a.severity ? ` (${a.severity})` : ''} since ${a.startedAt.toISOString()}. ${a.message}${top ? ` Likely: ${top.summary}` : ''}`,
      data: { ...c, investigation },
      links: [
        { label: 'Investigation', url: links.alert(a.id) },
        { label: 'Alerts', url: links.alerts(a.serverId) },
        ...(a.serverId
          ? [
              {
                label: `${a.serverName ?? 'Server'} at the start`,
                url: links.server(a.serverId, {
                  from: new Date(a.startedAt.getTime() - 3_600_000),
                  to: new Date(Math.min(at.getTime(), a.startedAt.getTime() + 3_600_000)),
                }),
              },
            ]
          : []),
      ],
    };
  },
});
