// Alerts, rules and their overrides, blackouts, channels and deliveries.
import {
  ALERT_STATES,
  BLACKOUT_SCOPES,
  CHANNEL_FIELDS,
  CHANNEL_TYPES,
  ENVIRONMENTS,
  OUTBOX_STATUSES,
  OVERRIDE_LEVELS,
  OVERRIDE_SCOPES,
  RULE_KINDS,
  SEVERITIES,
} from '@pgvigil/schema';
import { customDefinitionShape } from '@pgvigil/alerting/wire';
import { z } from 'zod';
import { dataMap, id, nextCursor, pageQuery, timestamp } from './common';
import { endpoint } from './endpoint';

// ---- alerts -----------------------------------------------------------------

export const alert = z
  .object({
    id,
    ruleId: id,
    ruleKey: z.string(),
    ruleName: z.string(),
    serverId: id.nullable(),
    serverName: z.string().nullable(),
    databaseName: z.string().nullable(),
    /** `schema.name` of a table, index or sequence, a standby's name... */
    objectKey: z.string().nullable(),
    fingerprint: z.string(),
    state: z.enum(ALERT_STATES),
    severity: z.enum(SEVERITIES).nullable(),
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    /** the unit of value and threshold (bytes, percent, ...); null: a plain number */
    unit: z.string().nullable(),
    message: z.string(),
    startedAt: timestamp,
    firedAt: timestamp.nullable(),
    resolvedAt: timestamp.nullable(),
    acknowledgedAt: timestamp.nullable(),
    acknowledgedBy: id.nullable(),
    ackComment: z.string().nullable(),
    /** an acknowledgement with an expiry returns the alert to firing then */
    ackUntil: timestamp.nullable(),
    ownerId: id.nullable(),
    /** the escalation policy followed and the last step notified (counting on when it repeats) */
    escalationId: id.nullable(),
    escalationStep: z.number().int().nullable(),
    /** held, not sent, while this server is down (suppression by dependency); null: not held */
    heldBy: z.object({ serverId: id, serverName: z.string().nullable() }).nullable(),
    notified: z.boolean(),
    lastNotifiedAt: timestamp.nullable(),
    details: dataMap(z.unknown()),
    lastEvaluatedAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Alert' });
export type Alert = z.output<typeof alert>;

export const alertEvent = z
  .object({
    id,
    at: timestamp,
    fromState: z.enum(ALERT_STATES).nullable(),
    toState: z.enum(ALERT_STATES),
    severity: z.enum(SEVERITIES).nullable(),
    value: z.number().nullable(),
    reason: z.string(),
  })
  .meta({ id: 'AlertEvent' });
export type AlertEvent = z.output<typeof alertEvent>;

/** `a,b`: any of these values */
const anyOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .regex(new RegExp(`^(${values.join('|')})(,(${values.join('|')}))*$`), {
      message: `comma-separated, of ${values.join(', ')}`,
    })
    .optional();

export const listAlerts = endpoint({
  method: 'GET',
  path: '/alerts',
  access: 'viewer',
  tag: 'alerts',
  summary: 'Alerts, most recently changed first (unconfirmed `ok` rows left out)',
  query: pageQuery.extend({
    state: anyOf(ALERT_STATES),
    severity: anyOf(SEVERITIES),
    serverId: z.coerce.number().int().positive().optional(),
    ruleId: z.coerce.number().int().positive().optional(),
  }),
  response: z.object({ alerts: z.array(alert), nextCursor }),
});

const alertParams = { id: 'an alert id' };

export const getAlert = endpoint({
  method: 'GET',
  path: '/alerts/{id}',
  access: 'viewer',
  tag: 'alerts',
  summary: 'One alert with every transition it went through',
  params: alertParams,
  response: z.object({ alert: alert.extend({ events: z.array(alertEvent) }) }),
});

export const ackAlert = endpoint({
  method: 'POST',
  path: '/alerts/{id}/ack',
  access: 'editor',
  tag: 'alerts',
  summary:
    'Acknowledges a firing or silenced alert: reminders and escalation stop until its severity rises or the acknowledgement runs out',
  params: alertParams,
  body: z
    .strictObject({
      comment: z.string().trim().max(2000).optional(),
      forMinutes: z
        .number()
        .int()
        .min(1)
        .max(10_080)
        .optional()
        .meta({ description: '"ack for 2 h" = 120: back to firing after this long' }),
      ownerId: id
        .nullable()
        .optional()
        .meta({ description: 'who owns the alert from now on; absent: whoever acknowledges' }),
    })
    .optional(),
  response: null,
});

// ---- rules ------------------------------------------------------------------

export const rule = z
  .object({
    id,
    key: z.string(),
    name: z.string(),
    kind: z.enum(RULE_KINDS),
    probe: z.string().nullable(),
    /** a built-in's catalog entry (category, unit, explanation, runbook) or a custom definition */
    definition: dataMap(z.unknown()),
    defaultSeverity: z.enum(SEVERITIES),
    warning: z.number().nullable(),
    critical: z.number().nullable(),
    forSeconds: z.number().int(),
    enabled: z.boolean(),
    /** parameters set globally (name -> number); absent ones use the catalog default */
    params: dataMap(z.number()),
    /** why the rule was skipped in its last failed cycle (a read over its budget...), else null */
    lastError: z.string().nullable(),
    lastErrorAt: timestamp.nullable(),
    /** objects the rule could not see in its last cycle and what shows them ("unavailable for ..."), else null */
    unavailable: z.string().nullable(),
    /** a series firing more than this many times in an hour is flapping; null = the default (4), 0 = off */
    flapLimit: z.number().int().nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'Rule' });
export type Rule = z.output<typeof rule>;

/** A rule parameter (a minimum size under which the rule does not judge...). */
export const ruleParameter = z
  .object({
    name: z.string(),
    label: z.string(),
    unit: z.string(),
    default: z.number(),
    min: z.number(),
    /** the global value; null: the default applies */
    value: z.number().nullable(),
  })
  .meta({ id: 'RuleParameter' });
export type RuleParameter = z.output<typeof ruleParameter>;

const forSeconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);

/** What a custom rule judges: a probe column, reduced over a window, against thresholds. */
export const customDefinition = customDefinitionShape.meta({ id: 'CustomRuleDefinition' });

const thresholds = {
  warning: z.number().nullable().optional(),
  critical: z.number().nullable().optional(),
};

export const listRules = endpoint({
  method: 'GET',
  path: '/rules',
  access: 'viewer',
  tag: 'rules',
  summary: 'Every rule with its global defaults, by kind and key',
  query: pageQuery,
  response: z.object({ rules: z.array(rule), nextCursor }),
});

export const createRule = endpoint({
  method: 'POST',
  path: '/rules',
  access: 'editor',
  tag: 'rules',
  summary: 'Creates a custom rule on any probe column; stored as `custom.<key>`',
  description: 'Needs a warning or a critical threshold.',
  body: z.strictObject({
    key: z.string().regex(/^[a-z0-9_.-]{1,90}$/, 'lower-case letters, digits, _ . -'),
    name: z.string().trim().min(1).max(200),
    definition: customDefinition,
    severity: z.enum(SEVERITIES).optional(),
    ...thresholds,
    forSeconds: forSeconds.optional(),
    enabled: z.boolean().optional(),
  }),
  status: 201,
  response: z.object({ rule }),
});

const ruleParams = { id: 'a rule id' };

export const getRule = endpoint({
  method: 'GET',
  path: '/rules/{id}',
  access: 'viewer',
  tag: 'rules',
  summary: 'One rule and its parameters',
  params: ruleParams,
  response: z.object({ rule, parameters: z.array(ruleParameter) }),
});

export const updateRule = endpoint({
  method: 'PATCH',
  path: '/rules/{id}',
  access: 'editor',
  tag: 'rules',
  summary: 'Changes the global defaults of a rule (the "global" level of overrides)',
  params: ruleParams,
  body: z.strictObject({
    enabled: z.boolean().optional(),
    ...thresholds,
    forSeconds: forSeconds.optional(),
    /** rule parameters; null resets one to the catalog default */
    params: dataMap(z.number().nullable()).optional(),
    /** firings in an hour past which a series is flapping; null = the default (4), 0 = off */
    flapLimit: z.number().int().min(0).max(60).nullable().optional(),
  }),
  response: z.object({ rule }),
});

export const previewRule = endpoint({
  method: 'POST',
  path: '/rules/preview',
  access: 'editor',
  tag: 'rules',
  summary: 'What a custom rule, not saved yet, would have done over the last 24 hours',
  description:
    "The loop's own condition and lifecycle, replayed per probe interval over stored samples.",
  body: z.strictObject({
    definition: customDefinition,
    ...thresholds,
    forSeconds: forSeconds.optional(),
  }),
  response: z.object({
    preview: z.object({
      from: timestamp,
      to: timestamp,
      stepSeconds: z.number(),
      /** series evaluated */
      instances: z.number().int(),
      /** series that fired at least once */
      firing: z.number().int(),
      /** the series that changed state, most-fired first */
      series: z.array(
        z.object({
          serverId: id.nullable(),
          database: z.string().nullable(),
          object: z.string().nullable(),
          fired: z.number().int(),
          firingSeconds: z.number(),
          peak: z.number().nullable(),
          events: z.array(
            z.object({
              at: timestamp,
              state: z.enum(ALERT_STATES),
              severity: z.enum(SEVERITIES).nullable(),
              value: z.number().nullable(),
            }),
          ),
        }),
      ),
    }),
    /** server id -> name */
    serverNames: dataMap(z.string()),
  }),
});

export const backtestRule = endpoint({
  method: 'POST',
  path: '/rules/{id}/backtest',
  access: 'editor',
  tag: 'rules',
  summary:
    'Replays a rule over stored history: each episode it would have fired, and the count per day',
  description:
    "Built-in or custom, with its current overrides and blackouts and the loop's own lifecycle; the levels, `for` and parameters given replace the rule's global ones for this replay only. The newest 6 hours are replayed from raw samples every minute, older days from 5-minute rollups. Anomaly and forecast rules replay with their baselines and trends as the loop computed them at each step (no look-ahead). Rules on pgvigil's own state answer 400. At most 1,000 episodes are listed (the newest); `episodeCount` and `perDay` count them all.",
  params: ruleParams,
  body: z.strictObject({
    days: z.number().int().min(1).max(30),
    ...thresholds,
    forSeconds: forSeconds.optional(),
    params: dataMap(z.number()).optional(),
  }),
  response: z.object({
    backtest: z.object({
      from: timestamp,
      to: timestamp,
      /** series evaluated */
      instances: z.number().int(),
      episodeCount: z.number().int(),
      episodes: z.array(
        z.object({
          serverId: id.nullable(),
          database: z.string().nullable(),
          object: z.string().nullable(),
          start: timestamp,
          /** null: still open at the end */
          end: timestamp.nullable(),
          peak: z.number().nullable(),
          severity: z.enum(SEVERITIES),
          /** held in a blackout the whole time: never sent */
          silenced: z.boolean(),
        }),
      ),
      /** UTC day (YYYY-MM-DD) -> episodes started that day, silenced ones left out */
      perDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
    }),
    /** server id -> name */
    serverNames: dataMap(z.string()),
  }),
});

// ---- overrides --------------------------------------------------------------

export const override = z
  .object({
    id,
    ruleId: id,
    scopeType: z.enum(OVERRIDE_SCOPES),
    /** cluster or server id; for `database` the server id */
    scopeId: id.nullable(),
    /** environment name, or database name for `database` */
    scopeValue: z.string().nullable(),
    enabled: z.boolean().nullable(),
    warning: z.number().nullable(),
    critical: z.number().nullable(),
    forSeconds: z.number().int().nullable(),
    /** parameters set at this scope; absent ones inherit */
    params: dataMap(z.number()),
    updatedAt: timestamp,
  })
  .meta({ id: 'Override' });
export type Override = z.output<typeof override>;

const sourced = <V extends z.ZodType>(value: V) =>
  z.object({ value, source: z.enum(OVERRIDE_LEVELS), overrideId: id.optional() });
export const effectiveTuning = z
  .object({
    enabled: sourced(z.boolean()),
    warning: sourced(z.number().nullable()),
    critical: sourced(z.number().nullable()),
    forSeconds: sourced(z.number()),
    params: dataMap(sourced(z.number())),
  })
  .meta({ id: 'EffectiveTuning' });
export type EffectiveTuning = z.output<typeof effectiveTuning>;

export const listOverrides = endpoint({
  method: 'GET',
  path: '/rules/{id}/overrides',
  access: 'viewer',
  tag: 'rules',
  summary: "The rule's overrides per environment, cluster, server and database",
  params: ruleParams,
  query: pageQuery,
  response: z.object({ overrides: z.array(override), nextCursor }),
});

export const getEffectiveTuning = endpoint({
  method: 'GET',
  path: '/rules/{id}/effective',
  access: 'viewer',
  tag: 'rules',
  summary: "The rule's effective values on a server (and database), and the level each comes from",
  params: ruleParams,
  query: z.object({
    serverId: z.coerce.number().int().positive(),
    databaseName: z.string().min(1).max(200).optional(),
  }),
  response: z.object({ effective: effectiveTuning }),
});

export const setOverride = endpoint({
  method: 'PUT',
  path: '/rules/{id}/overrides',
  access: 'editor',
  tag: 'rules',
  summary: 'Creates or replaces the override at one scope; null values inherit',
  description:
    '`scopeId` for cluster, server and database scopes; `scopeValue` the environment, or the database name.',
  params: ruleParams,
  body: z.strictObject({
    scopeType: z.enum(OVERRIDE_SCOPES),
    scopeId: id.nullable().optional(),
    scopeValue: z.string().min(1).max(200).nullable().optional(),
    enabled: z.boolean().nullable().optional(),
    ...thresholds,
    forSeconds: forSeconds.nullable().optional(),
    /** rule parameters set at this scope; null or absent inherits */
    params: dataMap(z.number().nullable()).optional(),
  }),
  response: z.object({ override }),
});

export const deleteOverride = endpoint({
  method: 'DELETE',
  path: '/rules/{id}/overrides/{overrideId}',
  access: 'editor',
  tag: 'rules',
  summary: 'Deletes one override: that scope inherits again',
  params: { ...ruleParams, overrideId: 'an override id of that rule' },
  response: null,
});

// ---- blackouts --------------------------------------------------------------

export const blackout = z
  .object({
    id,
    name: z.string(),
    scopeType: z.enum(BLACKOUT_SCOPES),
    scopeId: id.nullable(),
    databaseName: z.string().nullable(),
    cron: z.string().nullable(),
    durationMinutes: z.number().int().nullable(),
    timezone: z.string(),
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    enabled: z.boolean(),
  })
  .meta({ id: 'Blackout' });
export type Blackout = z.output<typeof blackout>;

export const listBlackouts = endpoint({
  method: 'GET',
  path: '/blackouts',
  access: 'viewer',
  tag: 'blackouts',
  summary:
    'Blackouts by name, each with its windows in the next 14 days (the current one included)',
  query: pageQuery,
  response: z.object({
    blackouts: z.array(
      blackout.extend({ upcoming: z.array(z.object({ start: timestamp, end: timestamp })) }),
    ),
    nextCursor,
  }),
});

export const createBlackout = endpoint({
  method: 'POST',
  path: '/blackouts',
  access: 'editor',
  tag: 'blackouts',
  summary: 'Creates a blackout: recurring (cron + duration + timezone) or one-off',
  description:
    'Give `cron` and `durationMinutes`, or `startsAt` < `endsAt`. `scopeId` for cluster, server and database scopes; `databaseName` for database scope only.',
  body: z.strictObject({
    name: z.string().trim().min(1).max(200),
    scopeType: z.enum(BLACKOUT_SCOPES),
    scopeId: id.nullable().optional(),
    databaseName: z.string().min(1).nullable().optional(),
    cron: z.string().min(1).max(200).nullable().optional(),
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .nullable()
      .optional(),
    timezone: z.string().min(1).optional(),
    startsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    enabled: z.boolean().optional(),
  }),
  status: 201,
  response: z.object({ blackout }),
});

export const deleteBlackout = endpoint({
  method: 'DELETE',
  path: '/blackouts/{id}',
  access: 'editor',
  tag: 'blackouts',
  summary: 'Deletes a blackout',
  params: { id: 'a blackout id' },
  response: null,
});

// ---- channels and deliveries ------------------------------------------------

export const channel = z
  .object({
    id,
    name: z.string(),
    type: z.enum(CHANNEL_TYPES),
    /** what is safe to show: the URL's host, the recipients; never a secret */
    config: dataMap(z.unknown()),
    minSeverity: z.enum(SEVERITIES),
    filters: z.object({
      clusterIds: z.array(id).optional(),
      environments: z.array(z.string()).optional(),
    }),
    enabled: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Channel' });
export type Channel = z.output<typeof channel>;

export const delivery = z
  .object({
    id,
    channelId: id,
    channelName: z.string(),
    kind: z.enum(['firing', 'escalated', 'reminder', 'resolved', 'test']),
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    sentAt: timestamp.nullable(),
    nextAttemptAt: timestamp,
    alertId: id.nullable(),
    title: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.output<typeof delivery>;

export const listChannels = endpoint({
  method: 'GET',
  path: '/channels',
  access: 'viewer',
  tag: 'channels',
  summary: 'Notification channels, by name (never their secrets)',
  query: pageQuery,
  response: z.object({ channels: z.array(channel), nextCursor }),
});

/** `config` per type, from the channel fields of @pgvigil/schema. */
function channelConfigDoc(): string {
  return CHANNEL_TYPES.map((t) => {
    const fields = CHANNEL_FIELDS[t].map(
      (f) =>
        `\`${f.key}\` (${f.kind}${f.required ? ', required' : ''}${f.secret ? ', secret' : ''})`,
    );
    return `${t}: ${fields.join(', ')}.`;
  }).join(' ');
}

export const createChannel = endpoint({
  method: 'POST',
  path: '/channels',
  access: 'admin',
  tag: 'channels',
  summary: 'Creates a channel; its secrets are stored encrypted and never shown again',
  description: channelConfigDoc(),
  body: z.strictObject({
    type: z.enum(CHANNEL_TYPES),
    name: z.string().trim().min(1).max(100),
    config: dataMap(z.unknown()),
    minSeverity: z.enum(SEVERITIES).optional(),
    filters: z
      .strictObject({
        clusterIds: z.array(id).optional(),
        environments: z.array(z.enum(ENVIRONMENTS)).optional(),
      })
      .optional(),
    enabled: z.boolean().optional(),
  }),
  status: 201,
  response: z.object({ channel }),
});

const channelParams = { id: 'a channel id' };

export const deleteChannel = endpoint({
  method: 'DELETE',
  path: '/channels/{id}',
  access: 'admin',
  tag: 'channels',
  summary: 'Deletes a channel',
  params: channelParams,
  response: null,
});

export const testChannel = endpoint({
  method: 'POST',
  path: '/channels/{id}/test',
  access: 'admin',
  tag: 'channels',
  summary: 'Sends a test message now; the answer says whether the receiver accepted it',
  params: channelParams,
  response: z.object({ ok: z.boolean(), error: z.string().optional() }),
});

export const listDeliveries = endpoint({
  method: 'GET',
  path: '/deliveries',
  access: 'viewer',
  tag: 'channels',
  summary: 'Notifications queued and sent, newest first, with attempts and the last error',
  query: pageQuery.extend({ channelId: z.coerce.number().int().positive().optional() }),
  response: z.object({ deliveries: z.array(delivery), nextCursor }),
});
