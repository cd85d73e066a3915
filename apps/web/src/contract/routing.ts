// Notification policies: the routes that pick an alert's channels, and the route tester.
import { ENVIRONMENTS, RULE_KINDS, SEVERITIES } from '@pgvigil/schema';
import { z } from 'zod';
import { id, timestamp } from './common';
import { endpoint } from './endpoint';

const names = z.array(z.string().trim().min(1).max(100));

export const routeMatch = z
  .strictObject({
    environments: z.array(z.enum(ENVIRONMENTS)).optional(),
    clusterIds: z.array(id).optional(),
    serverTags: names.optional().meta({ description: 'the server must carry every one' }),
    severities: z.array(z.enum(SEVERITIES)).optional(),
    rules: names.optional().meta({ description: 'rule keys' }),
    ruleKinds: z.array(z.enum(RULE_KINDS)).optional(),
  })
  .meta({
    id: 'RouteMatch',
    description:
      'Every list given must contain the alert’s value; an empty match takes every alert.',
  });

const DAY = 86_400;
const timing = {
  groupWaitSeconds: z.number().int().min(0).max(DAY).nullable().meta({
    description:
      'how long the first message of a new group (rule and server) waits to collect more alerts; null: none',
  }),
  groupIntervalSeconds: z.number().int().min(0).max(DAY).nullable().meta({
    description: 'how long after a group’s message its next update may go out; null: none',
  }),
  repeatIntervalSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * DAY)
    .nullable()
    .meta({
      description:
        'reminders of a still-firing alert taking this route; 0: none; null: ALERTER_REMINDER_MINUTES',
    }),
};

export const route = z
  .object({
    id,
    name: z.string(),
    position: z.number().int(),
    match: routeMatch,
    channelIds: z.array(id),
    continue: z.boolean(),
    enabled: z.boolean(),
    /** the escalation policy its alerts follow while firing */
    escalationId: id.nullable(),
    ...timing,
    createdAt: timestamp,
  })
  .meta({ id: 'Route' });
export type Route = z.output<typeof route>;

export const listRoutes = endpoint({
  method: 'GET',
  path: '/routes',
  access: 'viewer',
  tag: 'routes',
  summary: 'Notification routes, in the order they are tried',
  description:
    'The first matching route ends the search unless it says `continue`. No route matching is the default route: every enabled channel with its own minimum severity and filters.',
  response: z.object({ routes: z.array(route) }),
});

export const createRoute = endpoint({
  method: 'POST',
  path: '/routes',
  access: 'admin',
  tag: 'routes',
  summary: 'Adds a route (last, or at `position`); its channels get the alerts it matches',
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    match: routeMatch.optional(),
    channelIds: z.array(id).min(1),
    continue: z.boolean().optional(),
    enabled: z.boolean().optional(),
    position: z.number().int().min(0).optional(),
    escalationId: id.nullable().optional(),
    groupWaitSeconds: timing.groupWaitSeconds.optional(),
    groupIntervalSeconds: timing.groupIntervalSeconds.optional(),
    repeatIntervalSeconds: timing.repeatIntervalSeconds.optional(),
  }),
  status: 201,
  response: z.object({ route }),
});

const routeParams = { id: 'a route id' };

export const updateRoute = endpoint({
  method: 'PATCH',
  path: '/routes/{id}',
  access: 'admin',
  tag: 'routes',
  summary: 'Changes what is given of a route; its place in the order stays',
  description: 'To move a route, `PUT /routes/order`. `escalationId: null` removes its policy.',
  params: routeParams,
  body: z.strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    match: routeMatch.optional(),
    channelIds: z.array(id).min(1).optional(),
    continue: z.boolean().optional(),
    enabled: z.boolean().optional(),
    escalationId: id.nullable().optional(),
    groupWaitSeconds: timing.groupWaitSeconds.optional(),
    groupIntervalSeconds: timing.groupIntervalSeconds.optional(),
    repeatIntervalSeconds: timing.repeatIntervalSeconds.optional(),
  }),
  response: z.object({ route }),
});

export const deleteRoute = endpoint({
  method: 'DELETE',
  path: '/routes/{id}',
  access: 'admin',
  tag: 'routes',
  summary: 'Deletes a route; the routes after it move up one',
  params: routeParams,
  response: null,
});

export const reorderRoutes = endpoint({
  method: 'PUT',
  path: '/routes/order',
  access: 'admin',
  tag: 'routes',
  summary: 'Puts the routes in this order (every route id, once)',
  description:
    'The whole order in one request, so that it is applied at once or not at all. An order that does not name every route exactly once (a route was added or deleted meanwhile) answers 409.',
  body: z.strictObject({ ids: z.array(id).min(1).max(1000) }),
  response: z.object({ routes: z.array(route) }),
});

export const alertLabels = z
  .strictObject({
    severity: z.enum(SEVERITIES),
    rule: z.string().trim().min(1).max(100),
    ruleKind: z.enum(RULE_KINDS).optional(),
    environment: z.enum(ENVIRONMENTS).nullable().optional(),
    clusterId: id.nullable().optional(),
    serverTags: names.optional(),
  })
  .meta({ id: 'AlertLabels' });

export const testRoutes = endpoint({
  method: 'POST',
  path: '/routes/test',
  access: 'viewer',
  tag: 'routes',
  summary: 'Which routes an alert with these labels takes, and which channels it reaches',
  body: alertLabels,
  response: z.object({
    /** empty: the default route */
    routes: z.array(z.object({ id, name: z.string() })),
    defaultRoute: z.boolean(),
    channels: z.array(z.object({ id, name: z.string() })),
  }),
});

// ---- escalation policies ----------------------------------------------------

export const escalationStep = z.strictObject({
  channelIds: z.array(id).min(1),
  waitMinutes: z
    .number()
    .int()
    .min(1)
    .max(10_080)
    .meta({ description: 'minutes to wait for an acknowledgement before the next step' }),
});

export const escalationPolicy = z
  .object({
    id,
    name: z.string(),
    steps: z.array(escalationStep),
    repeat: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'EscalationPolicy' });
export type EscalationPolicy = z.output<typeof escalationPolicy>;

export const listEscalations = endpoint({
  method: 'GET',
  path: '/escalations',
  access: 'viewer',
  tag: 'routes',
  summary: 'Escalation policies, by name',
  response: z.object({ escalations: z.array(escalationPolicy) }),
});

export const createEscalation = endpoint({
  method: 'POST',
  path: '/escalations',
  access: 'admin',
  tag: 'routes',
  summary: 'Adds an escalation policy; a route names it with `escalationId`',
  description:
    'The first step goes out with the firing message; each later step when the one before waited `waitMinutes` without an acknowledgement. `repeat` starts over after the last step.',
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    steps: z.array(escalationStep).min(1).max(20),
    repeat: z.boolean().optional(),
  }),
  status: 201,
  response: z.object({ escalation: escalationPolicy }),
});

const escalationParams = { id: 'an escalation policy id' };

export const updateEscalation = endpoint({
  method: 'PATCH',
  path: '/escalations/{id}',
  access: 'admin',
  tag: 'routes',
  summary: 'Changes what is given of an escalation policy',
  description:
    'Alerts already following it continue from their step under the new steps; a step past the new end ends the policy for them.',
  params: escalationParams,
  body: z.strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    steps: z.array(escalationStep).min(1).max(20).optional(),
    repeat: z.boolean().optional(),
  }),
  response: z.object({ escalation: escalationPolicy }),
});

export const deleteEscalation = endpoint({
  method: 'DELETE',
  path: '/escalations/{id}',
  access: 'admin',
  tag: 'routes',
  summary: 'Deletes an escalation policy no route names (409 naming the routes otherwise)',
  params: escalationParams,
  response: null,
});
