import type { PlanSource } from '@pgvigil/schema';
import type { ProbeClient } from '../run-probe';
import { isConnectionLoss } from '../run-probe';
import { DEFAULT_LOCK_TIMEOUT_MS, RELATION_LOCK_BUDGET } from '../types';
import type { PlanNode } from '@pgvigil/schema';
import { planFingerprint } from './fingerprint';

/** Statements planned per server and window, by execution time in the window (default). */
export const PLAN_TOP_N = 50;
/** A statement is explained at most once in this time. */
export const PLAN_RECAPTURE_MS = 3_600_000;
export const PLAN_STATEMENT_TIMEOUT_MS = 2_000;

export type PlanCapture =
  | { status: 'ok'; source: PlanSource; plan: PlanNode; fingerprint: string }
  | { status: 'skipped'; reason: string; sqlState?: string; connectionLost?: boolean };

const PLANNABLE = /^(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|VALUES|TABLE)\b/i;
const PARAMETER = /\$\d+/;

/** The statement text without leading comments, blanks and opening parentheses. */
function leading(text: string): string {
  let s = text.trimStart();
  for (;;) {
    if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trimStart();
    } else if (s.startsWith('--')) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1).trimStart();
    } else if (s.startsWith('(')) s = s.slice(1).trimStart();
    else return s;
  }
}

/** Why a stored statement text is not explained, or null when it may be. */
export function planRefusal(text: string, serverVersion: number): string | null {
  if (text.includes('pgvigil:')) return "pgvigil's own statement";
  if (!PLANNABLE.test(leading(text)))
    return 'not a SELECT, INSERT, UPDATE, DELETE or MERGE statement';
  // Simple protocol (needed so $n are the statement's, not the EXPLAIN's): one statement only.
  if (text.includes(';')) return 'contains `;`';
  if (PARAMETER.test(text) && serverVersion < 160000)
    return 'has $n parameters: a plan without values needs GENERIC_PLAN (PostgreSQL 16+)';
  return null;
}

/**
 * The plan of one normalized statement: EXPLAIN (FORMAT JSON), with GENERIC_PLAN when it
 * has $n parameters, never ANALYZE, so nothing runs. A read-only transaction with a short
 * statement_timeout and the probes' lock_timeout; a plan over more relations than the
 * probes' lock budget is not kept (and is not tried again: the caller remembers it).
 */
export async function explainPlan(
  client: ProbeClient,
  text: string,
  serverVersion: number,
  timeoutMs = PLAN_STATEMENT_TIMEOUT_MS,
): Promise<PlanCapture> {
  const refused = planRefusal(text, serverVersion);
  if (refused) return { status: 'skipped', reason: refused };
  const generic = PARAMETER.test(text);
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${DEFAULT_LOCK_TIMEOUT_MS}`);
    // No bind values: node-postgres sends this by the simple protocol.
    const r = await client.query(`EXPLAIN (FORMAT JSON${generic ? ', GENERIC_PLAN' : ''}) ${text}`);
    const locks = await client.query(
      `SELECT /* pgvigil:plans */ count(*)::int AS n FROM pg_locks
        WHERE pid = pg_backend_pid() AND locktype = 'relation'`,
    );
    await client.query('ROLLBACK');
    const held = Number(locks.rows[0]?.n ?? 0);
    if (held > RELATION_LOCK_BUDGET)
      return {
        status: 'skipped',
        reason: `its plan locks ${held} relations, over the budget of ${RELATION_LOCK_BUDGET}`,
      };
    const doc = parseExplain(r.rows[0]?.['QUERY PLAN']);
    if (!doc) return { status: 'skipped', reason: 'EXPLAIN returned no plan' };
    return {
      status: 'ok',
      source: generic ? 'generic' : 'explain',
      plan: doc,
      fingerprint: planFingerprint(doc),
    };
  } catch (err) {
    const e = err as { code?: string; message?: string; severity?: unknown };
    const fromServer = typeof e.severity === 'string';
    if (fromServer) await client.query('ROLLBACK').catch(() => undefined);
    return {
      status: 'skipped',
      reason: e.message ?? String(err),
      ...(e.code ? { sqlState: e.code } : {}),
      connectionLost: isConnectionLoss(e.code) || !fromServer,
    };
  }
}

function parseExplain(value: unknown): PlanNode | null {
  const doc = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  const top = Array.isArray(doc) ? (doc[0] as { Plan?: PlanNode } | undefined) : undefined;
  return top?.Plan ?? null;
}

/**
 * Marks each delta row of the statements probe with the fingerprint of its statement's
 * newest captured plan, so the rows before and after a plan change tell which plan ran.
 */
export function withPlanFingerprints(
  rows: readonly Record<string, unknown>[],
  fingerprints: ReadonlyMap<string, string>,
): Record<string, unknown>[] {
  return rows.map((r) => ({
    ...r,
    plan_fingerprint: r.queryid == null ? null : (fingerprints.get(String(r.queryid)) ?? null),
  }));
}

/**
 * Gives each delta row of one statements window the window's total execution time (the
 * sum over its rows, "(others)" included), so a rule can tell a statement's share of the
 * server's time from its own rows.
 */
export function withWindowTotals(
  rows: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const total = rows.reduce((s, r) => s + (Number(r.total_exec_time) || 0), 0);
  return rows.map((r) => ({ ...r, window_exec_time: total }));
}

export interface PlanCandidate {
  queryid: string;
  /** the database it spent the most time in during the window */
  dbid: string;
  totalExecTime: number;
}

/**
 * The statements to explain after one run of the statements probe: the `topN` with the
 * most execution time in the window (its delta rows), less those explained within
 * PLAN_RECAPTURE_MS (`lastTried`: queryid -> epoch ms).
 */
export function pickPlanCandidates(
  rows: readonly Record<string, unknown>[],
  opts: { topN: number; lastTried: ReadonlyMap<string, number>; now: number },
): PlanCandidate[] {
  const byQuery = new Map<string, { total: number; byDb: Map<string, number> }>();
  for (const r of rows) {
    const queryid = r.queryid == null ? '' : String(r.queryid);
    const ms = Number(r.total_exec_time ?? 0);
    if (!/^-?\d+$/.test(queryid) || r.dbid == null || !(ms > 0)) continue;
    const entry = byQuery.get(queryid) ?? { total: 0, byDb: new Map<string, number>() };
    entry.total += ms;
    const dbid = String(r.dbid);
    entry.byDb.set(dbid, (entry.byDb.get(dbid) ?? 0) + ms);
    byQuery.set(queryid, entry);
  }
  return [...byQuery]
    .sort((a, b) => b[1].total - a[1].total)
    .slice(0, opts.topN)
    .filter(([id]) => opts.now - (opts.lastTried.get(id) ?? -Infinity) >= PLAN_RECAPTURE_MS)
    .map(([queryid, e]) => ({
      queryid,
      dbid: [...e.byDb].sort((a, b) => b[1] - a[1])[0]![0],
      totalExecTime: e.total,
    }));
}
