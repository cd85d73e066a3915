import { describe, expect, it } from 'vitest';
import { evaluate, resolveOverrides, tuningOf } from '../src/core';
import {
  BUILTIN_BY_KEY,
  BUILTIN_RULES,
  customRule,
  inScope,
  paramProblems,
  paramValues,
  ratioOfIncreases,
  renderTemplate,
  type SourceRow,
} from '../src/rules';

const t0 = new Date('2026-03-10T12:00:00Z');
const rows = (values: Record<string, unknown>[]): SourceRow[] =>
  values.map((v, i) => ({ at: new Date(t0.getTime() + i * 60_000), values: v }));

describe('built-in catalog', () => {
  it('has unique keys valid for rules.key, text for every rule, and ordered levels', () => {
    expect(BUILTIN_BY_KEY.size).toBe(BUILTIN_RULES.length);
    for (const r of BUILTIN_RULES) {
      expect(r.key).toMatch(/^[a-z0-9_.-]{1,100}$/);
      expect(r.explanation.length, r.key).toBeGreaterThan(20);
      expect(r.runbook.length, r.key).toBeGreaterThan(10);
      expect(r.warning !== null || r.critical !== null, r.key).toBe(true);
      if (r.warning !== null && r.critical !== null) {
        const up = r.operator === '>' || r.operator === '>=';
        expect(up ? r.critical > r.warning : r.critical < r.warning, r.key).toBe(true);
      }
    }
  });

  it('covers the rules the issue lists', () => {
    for (const key of [
      'server_down',
      'server_restarted',
      'connections_used',
      'idle_in_transaction',
      'long_query',
      'long_transaction',
      'lock_waiters',
      'lock_wait_time',
      'deadlocks',
      'rollback_ratio',
      'cache_hit_ratio',
      'temp_bytes',
      'replication_lag_bytes',
      'replication_lag_time',
      'standby_disconnected',
      'slot_inactive',
      'slot_retained_wal',
      'slot_wal_lost',
      'subscription_down',
      'xid_wraparound',
      'xid_freeze_max_age',
      'mxid_wraparound',
      'mxid_freeze_max_age',
      'archiver_failing',
      'wal_directory_growth',
      'checkpoints_requested',
      'autovacuum_overdue',
      'dead_tuples',
      'table_bloat',
      'index_bloat',
      'sequence_usage',
      'column_usage',
      'invalid_index',
      'pending_restart',
      'checksum_failures',
      'database_size',
      'prepared_transaction_age',
      'spock_subscription_down',
      'spock_exceptions',
      'lock_wait_time',
      'disk_used',
      'metrics_stale',
      'disk_full_forecast',
      'xid_wraparound_forecast',
      'sequence_exhaustion_forecast',
    ]) {
      expect(BUILTIN_BY_KEY.has(key), key).toBe(true);
    }
  });

  it('computes connections used against max_connections minus reserved slots', () => {
    const rule = BUILTIN_BY_KEY.get('connections_used')!;
    const samples = rule.source.derive(
      rows([{ total_sessions: 82, max_connections: 103, reserved_connections: 3 }]),
      {},
    );
    expect(samples[0]!.value).toBe(82);
    const obs = evaluate({ ...rule, hysteresis: 0.05, staleSeconds: 300 }, samples, t0);
    expect(obs).toMatchObject({ kind: 'breach', severity: 'warning', threshold: 80 });
  });

  it('reads a host without swap as using none, not as missing data', () => {
    const d = BUILTIN_BY_KEY.get('swap_used')!.source.derive;
    expect(
      d(
        rows([
          { swap_total: 0, swap_used: 0 },
          { swap_total: 400, swap_used: 100 },
        ]),
        {},
      ).map((x) => x.value),
    ).toEqual([0, 25]);
  });

  it('counts dead tuples only above 10k rows', () => {
    const d = BUILTIN_BY_KEY.get('dead_tuples')!.source.derive;
    expect(d(rows([{ n_live_tup: 100, n_dead_tup: 900 }]), {})[0]!.value).toBe(0);
    expect(d(rows([{ n_live_tup: 80_000, n_dead_tup: 20_000 }]), {})[0]!.value).toBe(20);
  });

  it('reads a NULL replay lag of a streaming standby (caught up, idle primary) as no lag', () => {
    const d = BUILTIN_BY_KEY.get('replication_lag_time')!.source.derive;
    const samples = d(
      rows([
        { replay_lag_seconds: 400, state: 'streaming' },
        { replay_lag_seconds: null, state: 'streaming' },
        { replay_lag_seconds: null, state: 'startup' },
      ]),
      {},
    );
    expect(samples.map((s) => s.value)).toEqual([400, 0, null]);
  });

  it('never evaluates a value the probe did not observe (an unreadable sequence, no statistics)', () => {
    const unseen = [
      ['sequence_usage', { used_pct: null, skipped: 'no privilege to read last_value' }],
      ['column_usage', { column_used_pct: null, skipped: 'no privilege to read last_value' }],
      ['table_bloat', { bloat_pct: null, bloat_bytes: null, skipped: 'pg_stats hides orders' }],
      ['index_bloat', { bloat_pct: null, bloat_bytes: null, skipped: 'pg_stats hides orders' }],
    ] as const;
    for (const [key, values] of unseen) {
      const rule = BUILTIN_BY_KEY.get(key)!;
      const samples = rule.source.derive(rows([values]), paramValues(rule));
      expect(
        samples.map((s) => s.value),
        key,
      ).toEqual([null]);
      expect(evaluate({ ...rule, hysteresis: 0.05, staleSeconds: 300 }, samples, t0), key).toEqual({
        kind: 'missing',
      });
    }
  });

  it('judges bloat only above its minimum, a parameter overrides can lower', () => {
    const rule = BUILTIN_BY_KEY.get('table_bloat')!;
    const small = rows([{ bloat_pct: 90, bloat_bytes: 50 * 1024 ** 2 }]);
    expect(paramValues(rule)).toEqual({ min_bytes: 200 * 1024 ** 2 });
    expect(rule.source.derive(small, paramValues(rule))[0]!.value).toBe(0);
    const eff = resolveOverrides(
      { enabled: true, warning: 70, critical: null, forSeconds: 0, params: {} },
      [
        {
          scope: 'server',
          scopeId: 7,
          scopeValue: null,
          enabled: null,
          warning: null,
          critical: null,
          forSeconds: null,
          params: { min_bytes: 1024 ** 2 },
        },
      ],
      { environment: null, clusterId: null, serverId: 7, databaseName: 'app' },
    );
    expect(eff.params.min_bytes).toMatchObject({ value: 1024 ** 2, source: 'server' });
    expect(rule.source.derive(small, paramValues(rule, tuningOf(eff).params))[0]!.value).toBe(90);
    expect(paramProblems(rule, { min_bytes: -1, nope: 1 })).toEqual({
      'params.min_bytes': 'must be a number >= 0',
      'params.nope': 'this rule has no such parameter',
    });
  });

  it('rates ratios per interval and skips counter resets', () => {
    const r = ratioOfIncreases(['xact_rollback'], ['xact_commit', 'xact_rollback'])(
      rows([
        { xact_commit: 100, xact_rollback: 0 },
        { xact_commit: 190, xact_rollback: 10 },
        { xact_commit: 5, xact_rollback: 0 },
      ]),
      {},
    );
    expect(r.map((s) => s.value)).toEqual([10, null]);
  });
});

describe('custom rules', () => {
  const stored = {
    key: 'custom.big-temp',
    name: 'Big temp',
    definition: {
      probe: 'database_stats',
      column: 'temp_bytes',
      aggregation: 'rate',
      windowSeconds: 600,
      operator: '>',
      scope: { environments: ['production'] },
      message: '{{database}} spills {{value}} B/s',
    },
    warning: 1000,
    critical: null,
    forSeconds: 60,
  };
  it('turns a stored definition into a runnable rule', () => {
    const rule = customRule(stored);
    expect(rule.source).toMatchObject({ probe: 'database_stats', columns: ['temp_bytes'] });
    expect(rule.custom.scope.serverIds).toEqual([]);
    expect(() =>
      customRule({ ...stored, definition: { ...stored.definition, column: 'x; drop' } }),
    ).toThrow();
  });
  it('filters by scope and renders its message', () => {
    const { scope, message } = customRule(stored).custom;
    const target = { environment: 'production', clusterId: null, serverId: 1, database: 'app' };
    expect(inScope(scope, target)).toBe(true);
    expect(inScope(scope, { ...target, environment: 'staging' })).toBe(false);
    expect(renderTemplate(message, { database: 'app', value: 12 })).toBe('app spills 12 B/s');
  });
});
