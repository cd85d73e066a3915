// Why an alert fired (the investigation, no LLM) and the markers posted from outside.
import { CHART_IDS, EVENT_KINDS, RULE_UNITS } from '@pgvigil/schema';
import { z } from 'zod';
import { id, timestamp } from './common';
import { endpoint } from './endpoint';

const evidence = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('chart'),
      label: z.string(),
      chart: z.enum(CHART_IDS),
      href: z.string(),
    }),
    z.object({
      kind: z.literal('query'),
      label: z.string(),
      queryId: z.string(),
      href: z.string(),
    }),
    z.object({
      kind: z.literal('setting'),
      label: z.string(),
      setting: z.string(),
      href: z.string(),
    }),
    z.object({
      kind: z.literal('session'),
      label: z.string(),
      pid: z.number().int(),
      href: z.string(),
    }),
    z.object({ kind: z.literal('event'), label: z.string(), href: z.string().nullable() }),
  ])
  .meta({ id: 'Evidence' });

const rates = z.object({
  calls: z.number(),
  timeMs: z.number(),
  meanMs: z.number().nullable(),
  blocks: z.number(),
  tempBlocks: z.number(),
  walBytes: z.number(),
});

export const investigation = z
  .object({
    alert: z.object({
      id,
      ruleKey: z.string(),
      ruleName: z.string(),
      serverId: id.nullable(),
      serverName: z.string().nullable(),
      message: z.string(),
      startedAt: timestamp,
    }),
    /** baseline [from, baselineTo), around the start [baselineTo, to] */
    window: z.object({ from: timestamp, start: timestamp, to: timestamp, baselineTo: timestamp }),
    timeline: z.array(
      z.object({
        at: timestamp,
        kind: z.enum(['restart', 'failover', 'setting', 'ddl', 'alert', 'event', 'start']),
        serverName: z.string().nullable(),
        text: z.string(),
        href: z.string().nullable(),
      }),
    ),
    metrics: z.array(
      z.object({
        metric: z.string(),
        label: z.string(),
        unit: z.enum(RULE_UNITS),
        chart: z.enum(CHART_IDS),
        baselineMedian: z.number(),
        baselineMad: z.number(),
        current: z.number(),
        score: z.number(),
        href: z.string(),
      }),
    ),
    statements: z.array(
      z.object({
        queryId: z.string(),
        query: z.string().nullable(),
        before: rates,
        after: rates,
        change: z.number(),
        href: z.string(),
      }),
    ),
    blocking: z.array(
      z.object({
        rootPid: z.number().int(),
        rootState: z.string().nullable(),
        rootQuery: z.string().nullable(),
        blocked: z.number().int(),
        longestSeconds: z.number(),
        firstSeen: timestamp,
        lastSeen: timestamp,
      }),
    ),
    waits: z.array(z.object({ waitEventType: z.string(), before: z.number(), after: z.number() })),
    causes: z.array(
      z.object({
        detector: z.string(),
        title: z.string(),
        summary: z.string(),
        score: z.number(),
        reasons: z.array(z.string()),
        evidence: z.array(evidence),
      }),
    ),
    href: z.string(),
  })
  .meta({ id: 'Investigation' });
export type InvestigationView = z.output<typeof investigation>;

export const getAlertInvestigation = endpoint({
  method: 'GET',
  path: '/alerts/{id}/investigation',
  access: 'viewer',
  tag: 'alerts',
  summary: 'Why the alert fired: timeline, metric and statement shifts, blocking, likely causes',
  description:
    'From one hour before the alert started: restarts, failovers, setting and DDL changes, other alerts of its server and cluster, and markers from `POST /events`; the metrics that moved most against their own baseline (robust shift score: median / MAD), the statements whose time, calls or I/O changed most, blocking chains, wait-event shifts, and likely causes ranked by named detectors, each citing its evidence. Deterministic, no LLM. Links are dashboard paths.',
  params: { id: 'an alert id' },
  response: z.object({ investigation }),
});

export const event = z
  .object({
    id,
    at: timestamp,
    kind: z.enum(EVENT_KINDS),
    title: z.string(),
    details: z.string().nullable(),
    serverId: id.nullable(),
    clusterId: id.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Event' });

export const createEvent = endpoint({
  method: 'POST',
  path: '/events',
  access: 'editor',
  tag: 'events',
  summary: 'Records a marker (a deploy, a migration...) shown on the timeline of later alerts',
  description:
    '`serverId` or `clusterId` say what it concerns; with neither it concerns every server. `at` defaults to now; `kind` to `deploy`.',
  body: z.strictObject({
    at: timestamp.optional(),
    kind: z.enum(EVENT_KINDS).optional(),
    title: z.string().trim().min(1).max(500),
    details: z.string().max(10_000).optional(),
    serverId: id.optional(),
    clusterId: id.optional(),
  }),
  status: 201,
  response: z.object({ event }),
});
