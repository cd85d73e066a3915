import type { Environment, Severity } from '@pgvigil/schema';
import type { AlertChange, AlertRow, ChannelRow, RouteRow } from '@pgvigil/db/alerting';
import {
  DEFAULT_FLAP_LIMIT,
  flapVerdict,
  INITIAL_STATUS,
  inBlackout,
  isOpen,
  resolveOverrides,
  step,
  tuningOf,
  type AlertStatus,
  type Observation,
  type BlackoutWindow,
  type Override,
  type Tuning,
} from '../core';
import {
  inScope,
  paramValues,
  renderTemplate,
  type RuleDefinition,
  type RuleScope,
} from '../rules';
import { formatValue } from '@pgvigil/schema';
import { alertMessage } from './message';
import type { EscalationPolicy } from './escalation';
import { buildNotifications, type NotifyItem, type PendingNotification } from './notifications';
import { objectGone, type Collection } from './absence';
import { applyHolds } from './dependency';
import { routeAlert } from './routing';
import { repeatSeconds } from './timing';
import { observe, type Series } from './observe';
import { endedWithRole, type RoleChange } from './role-change';

export interface PlanRule {
  id: number;
  def: RuleDefinition;
  tuning: Tuning;
  overrides: Override[];
  scope?: RuleScope;
  template?: string;
  /** seconds its samples may lag beyond the probe's staleness (rollup-read windows) */
  extraStaleSeconds?: number;
  /** firings in an hour past which a series is flapping (default DEFAULT_FLAP_LIMIT, 0 = off) */
  flapLimit?: number;
}
/** A rule that could not be evaluated this cycle, and why (kept on the rule, shown in the UI). */
export interface RuleFailure {
  ruleId: number;
  error: string;
}
export interface PlanServer {
  id: number;
  name: string;
  clusterId: number | null;
  /** its cluster's name, for a cluster-wide incident's message */
  clusterName?: string | null;
  environment: Environment;
  tags?: readonly string[];
}
export interface ScopedBlackout {
  window: BlackoutWindow;
  scope: 'global' | 'cluster' | 'server' | 'database';
  scopeId: number | null;
  database: string | null;
}
export interface PlanInput {
  at: Date;
  rules: PlanRule[];
  /** per rule key, the series read for it */
  series: Map<string, Series[]>;
  servers: Map<number, PlanServer>;
  openAlerts: AlertRow[];
  blackouts: ScopedBlackout[];
  channels: ChannelRow[];
  /** notification policies, in order (none: the default route) */
  routes?: readonly RouteRow[];
  /** escalation policies by id, for the routes that name one */
  escalations?: ReadonlyMap<number, EscalationPolicy>;
  /** per probe: seconds after which its newest sample counts as missing */
  staleSeconds: Map<string, number>;
  baseUrl: string;
  reminderSeconds: number;
  /** rules not evaluated this cycle (slow trend rules): their open alerts stay as they are */
  deferredRuleIds?: ReadonlySet<number>;
  /** the collector beat recently: a vanished series of an `absentIsClear` rule has cleared */
  collectorAlive?: boolean;
  /** what was collected lately, to resolve an object that disappeared (absence.ts) */
  collection?: Collection;
  /** rules whose rows could not be read (budget, error): skipped, their alerts kept as they are */
  failedRules?: readonly RuleFailure[];
  /** per fingerprint, when it fired in the last two hours (flap detection) */
  recentFirings?: ReadonlyMap<string, readonly Date[]>;
  /** servers last seen as primaries: while one is down, its cluster's standby link alerts are held */
  primaries?: ReadonlySet<number>;
  /** the newest role change of each server that changed lately: what ended with it has cleared */
  roleChanges?: readonly RoleChange[];
}
export interface Plan {
  changes: AlertChange[];
  notifications: PendingNotification[];
  evaluated: number;
  /** rules that could not be read or evaluated this cycle */
  failures: RuleFailure[];
  /** rules evaluated this cycle */
  okRuleIds: number[];
  /** evaluated rules that could not see some objects' values, and what would show them */
  unavailable: { ruleId: number; note: string }[];
}

export const fingerprintOf = (
  key: string,
  s: { serverId: number | null; database: string | null; object: string | null },
) => [key, s.serverId ?? '', s.database ?? '', s.object ?? ''].join('|');

function statusOf(a: AlertRow | undefined): AlertStatus {
  if (!a) return INITIAL_STATUS;
  return {
    state: a.state,
    severity: a.severity,
    since: a.started_at,
    firedAt: a.fired_at,
    notified: a.notified,
    lastNotifiedAt: a.last_notified_at,
    value: a.value,
    threshold: a.threshold,
  };
}

/** Whether a series of `server` (and `database`) is inside any blackout that applies to it at `at`. */
export function blackedOut(
  list: readonly ScopedBlackout[],
  server: PlanServer | undefined,
  clusterId: number | null,
  database: string | null,
  at: Date,
) {
  const applicable = list.filter(
    (b) =>
      b.scope === 'global' ||
      (b.scope === 'cluster' && clusterId !== null && b.scopeId === clusterId) ||
      (b.scope === 'server' && b.scopeId === server?.id) ||
      (b.scope === 'database' && b.scopeId === server?.id && b.database === database),
  );
  return inBlackout(
    applicable.map((b) => b.window),
    at,
  );
}

/** Why a series of `serverId` ended with a role change in its cluster (role-change.ts), or null. */
function roleEnded(
  input: PlanInput,
  def: RuleDefinition,
  serverId: number | null,
  series: { lastRowAt: number | null; startedAt: Date | null },
) {
  if (serverId === null || !input.roleChanges?.length) return null;
  const cluster = input.servers.get(serverId)?.clusterId ?? null;
  const changes = input.roleChanges.filter(
    (c) =>
      c.serverId === serverId ||
      (cluster !== null && input.servers.get(c.serverId)?.clusterId === cluster),
  );
  const names = new Map([...input.servers].map(([id, s]) => [id, s.name]));
  const interval = input.collection?.intervalSeconds.get(def.source.probe);
  return endedWithRole(changes, names, interval, series, input.at);
}

interface RuleOutcome {
  changes: AlertChange[];
  notify: NotifyItem[];
  seen: string[];
  evaluated: number;
  /** series whose newest value was not observed, with why */
  blind: { where: string; reason: string }[];
}

/** Why the newest row of a series has no value for the rule, when its probe says so. */
function blindReason(def: RuleDefinition, series: Series, params: Record<string, number>) {
  const column = def.source.unavailableColumn;
  const last = series.rows[series.rows.length - 1];
  const reason = column && last ? last.values[column] : null;
  if (typeof reason !== 'string' || reason === '' || !last) return null;
  return def.source.derive([last], params).every((s) => s.value === null) ? reason : null;
}

/** The rule-level note: how many objects it is blind on, one example and its fix. */
function unavailableNote(blind: RuleOutcome['blind']): string {
  const first = blind[0]!;
  return `unavailable for ${blind.length} object(s), e.g. ${first.where}: ${first.reason}`;
}

/** What an alert's details say about its flapping (set by `flapping`). */
export interface Flapping {
  firings: number;
  pattern: string;
  /** this episode's firing was the one sent, with the pattern */
  announced: boolean;
}
const flappingOf = (alert: AlertRow | undefined): Flapping | null => {
  const f = alert?.details.flapping as Flapping | undefined;
  return f && typeof f.pattern === 'string' ? f : null;
};

/**
 * A new firing of a series that fired more than the rule's flap limit in the last
 * hour: the first such firing is sent once with its pattern; later flaps of the same
 * spell are recorded on the alert's timeline but not sent, nor is any resolve of the
 * spell. The
 * step result is changed in place; the flapping note is returned for the alert.
 */
function flapping(
  rule: PlanRule,
  input: PlanInput,
  fingerprint: string,
  result: ReturnType<typeof step>,
  alert: AlertRow | undefined,
): Flapping | null {
  if (result.notify !== 'firing') return null;
  const suppress = () => {
    delete result.notify;
    result.status = { ...result.status, notified: false, lastNotifiedAt: null };
  };
  const before = flappingOf(alert);
  if (!result.transition) {
    // a flapping alert is never sent again while it stays open
    if (before) suppress();
    return before;
  }
  const v = flapVerdict(
    input.recentFirings?.get(fingerprint) ?? [],
    input.at,
    rule.flapLimit ?? DEFAULT_FLAP_LIMIT,
  );
  if (!v.flapping) return null;
  result.transition.reason += `; flapping: ${v.pattern}`;
  if (!v.announce) suppress();
  // nor its resolve: "resolved" in the middle of a flapping spell would mislead
  else result.status = { ...result.status, notified: false };
  return { firings: v.firings, pattern: v.pattern, announced: v.announce };
}

/**
 * Seconds between reminders of a series: the repeat interval of the routes its alert
 * takes (timing.ts), else the alerter's `reminderSeconds`.
 */
function reminderSecondsOf(
  input: PlanInput,
  def: PlanRule['def'],
  server: PlanServer | undefined,
  clusterId: number | null,
  severity: Severity | null,
): number {
  if (!input.routes?.length || severity === null) return input.reminderSeconds;
  const { routes } = routeAlert(input.routes, [], {
    severity,
    rule: def.key,
    ruleKind: def.kind,
    environment: server?.environment ?? null,
    clusterId,
    serverTags: server?.tags ?? [],
  });
  return repeatSeconds(routes, input.reminderSeconds);
}

/** One rule on every series read for it: the alert rows it changes and the messages it causes. */
function planRule(
  rule: PlanRule,
  input: PlanInput,
  open: ReadonlyMap<string, AlertRow>,
): RuleOutcome {
  const ruleChanges: AlertChange[] = [];
  const ruleNotify: NotifyItem[] = [];
  const ruleSeen: string[] = [];
  const blind: RuleOutcome['blind'] = [];
  let ruleEvaluated = 0;
  const { def } = rule;
  for (const series of input.series.get(def.key) ?? []) {
    const server = series.serverId === null ? undefined : input.servers.get(series.serverId);
    if (series.serverId !== null && !server) continue;
    // a cluster-scoped series has no server: its cluster's overrides and blackouts apply
    const clusterId = server?.clusterId ?? series.clusterId ?? null;
    const target = {
      environment: server?.environment ?? null,
      clusterId,
      serverId: server?.id ?? null,
      databaseName: series.database,
    };
    if (
      rule.scope &&
      server &&
      !inScope(rule.scope, { ...target, serverId: server.id, database: series.database })
    )
      continue;
    const eff = resolveOverrides(rule.tuning, rule.overrides, target);
    const fingerprint = fingerprintOf(def.key, series);
    const alert = open.get(fingerprint);
    if (!eff.enabled.value && !alert) continue;
    ruleSeen.push(fingerprint);
    ruleEvaluated++;
    const tuning = tuningOf(eff);
    if (eff.enabled.value) {
      const reason = blindReason(def, series, paramValues(def, tuning.params));
      if (reason !== null)
        blind.push({
          where: [server?.name, series.database, series.object].filter(Boolean).join(' / '),
          reason,
        });
    }
    const status = statusOf(alert);
    const active = isOpen(status.state) && status.state !== 'pending' ? status.severity : null;
    const stale = (input.staleSeconds.get(def.source.probe) ?? 300) + (rule.extraStaleSeconds ?? 0);
    // an event probe writes no row when all is well: one interval without a row has cleared
    const absent = def.source.absentIsClear === true;
    const observed = eff.enabled.value
      ? observe(def, tuning, series, input.at, active, absent ? (stale - 30) / 2 : stale)
      : { obs: { kind: 'clear' as const, value: null }, details: {} };
    const lastRowAt = series.rows[series.rows.length - 1]?.at.getTime() ?? null;
    const moved = alert
      ? roleEnded(input, def, series.serverId, { lastRowAt, startedAt: alert.started_at })
      : null;
    const obs: Observation = moved
      ? { kind: 'clear', value: null, reason: moved }
      : observed.obs.kind === 'missing' &&
          ((absent && input.collectorAlive === true) ||
            objectGone(input.collection, def, series, lastRowAt, input.at))
        ? { kind: 'clear', value: null }
        : observed.obs;
    const result = step(status, obs, {
      at: input.at,
      forSeconds: tuning.forSeconds,
      silenced: blackedOut(input.blackouts, server, clusterId, series.database, input.at),
      reminderSeconds: reminderSecondsOf(input, def, server, clusterId, status.severity),
    });
    const flap = flapping(rule, input, fingerprint, result, alert) ?? flappingOf(alert);
    const next = result.status;
    const details = flap ? { ...observed.details, flapping: flap } : observed.details;
    const valueChanged =
      alert !== undefined && obs.kind !== 'missing' && next.value !== alert.value;
    if (!result.transition && !result.notify && !valueChanged) continue;
    if (!alert && next.state === 'ok') continue;
    const value = next.value !== null && Number.isFinite(next.value) ? next.value : null;
    const vars = {
      value: value === null ? null : formatValue(value, def.unit),
      threshold: next.threshold,
      severity: next.severity,
      server: server?.name ?? null,
      database: series.database,
      object: series.object,
      column: def.source.columns[0] ?? null,
    };
    const plain = rule.template
      ? renderTemplate(rule.template, vars)
      : alertMessage(def, value, details);
    const message = flap?.announced ? `Flapping: ${flap.pattern}. ${plain}` : plain;
    ruleChanges.push({
      id: alert?.id ?? null,
      ruleId: rule.id,
      serverId: series.serverId,
      databaseName: series.database,
      objectKey: series.object,
      fingerprint,
      state: next.state,
      severity: next.severity,
      value,
      threshold: next.threshold,
      message,
      startedAt: next.since ?? input.at,
      firedAt: next.firedAt,
      notified: next.notified,
      lastNotifiedAt: next.lastNotifiedAt,
      details,
      at: input.at,
      event: result.transition ?? null,
    });
    if (result.notify && next.severity) {
      ruleNotify.push({
        kind: result.notify,
        fingerprint,
        severity: next.severity,
        rule: { key: def.key, name: def.name, runbook: def.runbook },
        ruleKind: def.kind,
        escalationStep: alert?.escalation_step ?? null,
        server: server
          ? {
              id: server.id,
              name: server.name,
              clusterId: server.clusterId,
              environment: server.environment,
              tags: server.tags ?? [],
            }
          : null,
        database: series.database,
        object: series.object,
        value,
        threshold: next.threshold,
        unit: def.unit,
        message,
        since: next.since,
        href: server && def.link ? def.link({ serverId: server.id, object: series.object }) : null,
      });
    }
  }
  return {
    changes: ruleChanges,
    notify: ruleNotify,
    seen: ruleSeen,
    evaluated: ruleEvaluated,
    blind,
  };
}

/**
 * One evaluation cycle as a pure function: every rule on every series, plus the
 * open alerts that got no series this time (their data is missing). Returns the
 * alert rows to write and the messages to queue.
 */
export function planCycle(input: PlanInput): Plan {
  const open = new Map(input.openAlerts.map((a) => [a.fingerprint, a]));
  const seen = new Set<string>();
  const changes: AlertChange[] = [];
  const notify: NotifyItem[] = [];
  let evaluated = 0;
  const failures: RuleFailure[] = [...(input.failedRules ?? [])];
  const failed = new Set(failures.map((f) => f.ruleId));
  const okRuleIds: number[] = [];
  const unavailable: Plan['unavailable'] = [];

  for (const rule of input.rules) {
    if (failed.has(rule.id)) continue;
    // One rule's exception (a derive meeting data it cannot read) is that rule's
    // failure: its results are kept apart and dropped, the other rules go on.
    let outcome: RuleOutcome;
    try {
      outcome = planRule(rule, input, open);
    } catch (err) {
      failures.push({ ruleId: rule.id, error: err instanceof Error ? err.message : String(err) });
      failed.add(rule.id);
      continue;
    }
    changes.push(...outcome.changes);
    notify.push(...outcome.notify);
    for (const f of outcome.seen) seen.add(f);
    evaluated += outcome.evaluated;
    okRuleIds.push(rule.id);
    if (outcome.blind.length)
      unavailable.push({ ruleId: rule.id, note: unavailableNote(outcome.blind) });
  }

  // open alerts that got no data at all this cycle: no_data, never resolved (except
  // rules whose probe writes no row when all is well, while the collector runs)
  const byId = new Map(input.rules.map((r) => [r.id, r]));
  for (const alert of input.openAlerts) {
    if (
      seen.has(alert.fingerprint) ||
      input.deferredRuleIds?.has(alert.rule_id) ||
      failed.has(alert.rule_id)
    )
      continue;
    const rule = byId.get(alert.rule_id);
    const moved = rule
      ? roleEnded(input, rule.def, alert.server_id, {
          lastRowAt: null,
          startedAt: alert.started_at,
        })
      : null;
    const cleared =
      (rule?.def.source.absentIsClear === true && input.collectorAlive === true) ||
      (rule !== undefined &&
        objectGone(
          input.collection,
          rule.def,
          { serverId: alert.server_id, database: alert.database_name },
          null,
          input.at,
        ));
    const result = step(
      statusOf(alert),
      moved
        ? { kind: 'clear', value: null, reason: moved }
        : cleared
          ? { kind: 'clear', value: null }
          : { kind: 'missing' },
      {
        at: input.at,
        forSeconds: 0,
        silenced: false,
        reminderSeconds: 0,
      },
    );
    if (!result.transition) continue;
    const next = result.status;
    changes.push({
      id: alert.id,
      ruleId: alert.rule_id,
      serverId: alert.server_id,
      databaseName: alert.database_name,
      objectKey: alert.object_key,
      fingerprint: alert.fingerprint,
      state: next.state,
      severity: next.severity,
      value: alert.value,
      threshold: alert.threshold,
      message: alert.message,
      startedAt: next.since ?? alert.started_at,
      firedAt: next.firedAt,
      notified: next.notified,
      lastNotifiedAt: next.lastNotifiedAt,
      details: alert.details,
      at: input.at,
      event: result.transition,
    });
    const server = alert.server_id === null ? undefined : input.servers.get(alert.server_id);
    if (result.notify && rule && next.severity) {
      notify.push({
        kind: result.notify,
        fingerprint: alert.fingerprint,
        severity: next.severity,
        rule: { key: rule.def.key, name: rule.def.name, runbook: rule.def.runbook },
        ruleKind: rule.def.kind,
        escalationStep: alert.escalation_step ?? null,
        server: server
          ? {
              id: server.id,
              name: server.name,
              clusterId: server.clusterId,
              environment: server.environment,
              tags: server.tags ?? [],
            }
          : null,
        database: alert.database_name,
        object: alert.object_key,
        value: null,
        threshold: alert.threshold,
        unit: rule.def.unit,
        message: alert.message,
        since: next.since,
      });
    }
  }
  // suppression by dependency: what a down server (or a down primary) causes is held
  const clusterOf = new Map<string, number>();
  for (const [key, list] of input.series)
    for (const s of list)
      if (s.serverId === null && s.clusterId != null)
        clusterOf.set(fingerprintOf(key, s), s.clusterId);
  const held = applyHolds({
    clusterOf,
    at: input.at,
    changes,
    notify,
    openAlerts: input.openAlerts,
    servers: input.servers,
    primaries: input.primaries ?? new Set(),
    rules: new Map(
      input.rules.map((r) => [
        r.def.key,
        { name: r.def.name, followsUpstream: r.def.followsUpstream === true },
      ]),
    ),
  });
  return {
    changes: held.changes,
    notifications: buildNotifications(
      held.notify,
      input.channels,
      input.at,
      input.baseUrl,
      input.routes ?? [],
      input.escalations,
    ),
    evaluated,
    failures,
    okRuleIds,
    unavailable,
  };
}
