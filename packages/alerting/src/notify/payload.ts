import { NOTIFICATION_KINDS } from '@pgvigil/db/alerting';
import { fmt, formatValue, RULE_UNITS, SEVERITIES } from '@pgvigil/schema';
import { z } from 'zod';

/** What an outbox row carries: everything a sender needs, fixed at enqueue time. */
export const notificationPayload = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  rule: z.object({ key: z.string(), name: z.string(), runbook: z.string() }).nullable(),
  server: z.object({ id: z.number(), name: z.string() }).nullable(),
  items: z.array(
    z.object({
      alertId: z.number().nullable(),
      database: z.string().nullable(),
      object: z.string().nullable(),
      value: z.number().nullable(),
      threshold: z.number().nullable(),
      /** what value and threshold are measured in (absent in rows queued before units) */
      unit: z.enum(RULE_UNITS).optional(),
      message: z.string(),
      since: z.string().nullable(),
    }),
  ),
  link: z.string(),
  /** the investigation's top cause ("Likely: ...") and its panel, on firing and escalated messages */
  likely: z.object({ text: z.string(), href: z.string() }).nullable().optional(),
  at: z.string(),
});
export type NotificationPayload = z.infer<typeof notificationPayload>;

const EMOJI = {
  firing: '🔴',
  escalated: '🔴',
  reminder: '⏰',
  resolved: '✅',
  test: '🧪',
} as const;

/**
 * How a channel writes what came from outside pgvigil: `text` for sentences that may
 * hold names (titles, messages), `name` for a database or object name on its own.
 * Plain text (email bodies, subjects, webhooks) needs neither.
 */
export interface Markup {
  text(s: string): string;
  name(s: string): string;
}
export const PLAIN: Markup = { text: (s) => s, name: (s) => s };

export function headline(p: NotificationPayload, m: Markup = PLAIN): string {
  return `${EMOJI[p.kind]} [${p.kind.toUpperCase()}${p.kind === 'resolved' ? '' : ` ${p.severity}`}] ${m.text(p.title)}`;
}

function duration(sinceIso: string | null, atIso: string): string {
  if (!sinceIso) return '';
  const s = Math.max(0, Math.round((Date.parse(atIso) - Date.parse(sinceIso)) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * The lines of a message's body, in every channel: the likely cause first (when the
 * investigation found one; its text may quote a monitored database, so it is
 * escaped, the link is pgvigil's own), then one line per alert: where, value vs
 * threshold, for how long.
 */
export function itemLines(p: NotificationPayload, m: Markup = PLAIN): string[] {
  const likely = p.likely ? [`${m.text(p.likely.text)} — ${p.likely.href}`] : [];
  return [...likely, ...alertLines(p, m)];
}

function alertLines(p: NotificationPayload, m: Markup): string[] {
  return p.items.map((i) => {
    const where = [i.database, i.object]
      .filter((n): n is string => !!n)
      .map(m.name)
      .join(' / ');
    const show = (n: number) => (i.unit ? formatValue(n, i.unit) : fmt(n));
    // a yes/no rule's message states the condition; "value yes" adds nothing
    const value =
      i.value === null || i.unit === 'bool'
        ? ''
        : ` — value ${show(i.value)}${i.threshold === null ? '' : ` (threshold ${show(i.threshold)})`}`;
    const since = duration(i.since, p.at);
    return `${where ? `${where}: ` : ''}${m.text(i.message)}${m.text(value)}${since ? `, for ${since}` : ''}`;
  });
}

export function plainText(p: NotificationPayload): string {
  const lines = [headline(p)];
  if (p.server) lines.push(`Server: ${p.server.name}`);
  lines.push(...itemLines(p).map((l) => `• ${l}`));
  if (p.rule?.runbook && p.kind !== 'resolved') lines.push('', `Runbook: ${p.rule.runbook}`);
  lines.push('', p.link);
  return lines.join('\n');
}
