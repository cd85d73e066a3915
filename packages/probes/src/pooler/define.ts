import { performance } from 'node:perf_hooks';
import type { MetricSpec } from '@pgvigil/schema';
import { coerce, isConnectionLoss, type ProbeClient } from '../run-probe';
import type { ProbeResult } from '../types';

/** Rows of one admin-console command, as PgBouncer sent them. */
export type ShowRows = readonly Record<string, unknown>[];

/**
 * A probe of PgBouncer's admin console (the `pgbouncer` database). The console speaks
 * only the simple query protocol and knows only its SHOW commands: no parameters, no
 * transaction, no SET. Its columns vary by PgBouncer version, so `reduce` reads them by
 * name and a column the pooler does not have is a null. Client and server rows are
 * aggregated here: pgvigil never stores one row per client.
 */
export interface PoolerProbeDefinition extends MetricSpec {
  title: string;
  description: string;
  /** admin-console commands, run in order, e.g. ['SHOW POOLS', 'SHOW DATABASES'] */
  commands: readonly string[];
  /** the probe's rows from each command's rows (same order as `commands`) */
  reduce(results: readonly ShowRows[]): Record<string, unknown>[];
  /** runner fills this column with the round-trip time in ms */
  roundTripColumn?: string;
}

/** A pooler probe with the usual defaults: instance scope, 14 days, not change-tracked. */
export function definePoolerProbe(
  def: Omit<PoolerProbeDefinition, 'scope' | 'changeTracked' | 'retentionDays'> &
    Partial<Pick<PoolerProbeDefinition, 'changeTracked' | 'retentionDays'>>,
): PoolerProbeDefinition {
  return { scope: 'instance', changeTracked: false, retentionDays: 14, ...def };
}

/** A number from a SHOW column (bigints arrive as text), null when absent. */
export function n(row: Record<string, unknown>, column: string): number | null {
  const v = row[column];
  if (v === null || v === undefined || v === '') return null;
  const x = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(x) ? x : null;
}

/** Runs one pooler probe's commands with the simple query protocol; every outcome is a value. */
export async function runPoolerProbe(
  client: ProbeClient,
  probe: PoolerProbeDefinition,
): Promise<ProbeResult> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    const results: ShowRows[] = [];
    // No values: node-postgres sends a simple Query message, which the console requires.
    for (const command of probe.commands) results.push((await client.query(command)).rows);
    const typed = probe
      .reduce(results)
      .map((r) => Object.fromEntries(probe.columns.map((c) => [c.name, coerce(c, r[c.name])])));
    if (probe.roundTripColumn) for (const r of typed) r[probe.roundTripColumn] = ms();
    return { probe: probe.name, status: 'ok', rows: typed, ms: ms() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const state = typeof code === 'string' ? code : undefined;
    const fromServer = typeof (err as { severity?: unknown }).severity === 'string';
    return {
      probe: probe.name,
      status: 'failed',
      reason: err instanceof Error ? err.message : String(err),
      sqlState: state,
      connectionLost: isConnectionLoss(state) || !fromServer,
      ms: ms(),
    };
  }
}
