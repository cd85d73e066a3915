import type { ProbeClient } from '../run-probe';
import { isConnectionLoss } from '../run-probe';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../types';
import { statementPredicates } from './predicates';
import { qualstatsPredicates, type QualstatsPredicates } from './qualstats';

/** Where a candidate's columns came from: the statement's text, or pg_qualstats' samples. */
export const ADVICE_SOURCES = ['parser', 'pg_qualstats'] as const;
export type AdviceSource = (typeof ADVICE_SOURCES)[number];

/** A table is worth an index only from this many live rows ... */
export const MISSING_INDEX_MIN_ROWS = 1_000;
/** ... when its sequential scans read at least this many rows each on average. */
export const MISSING_INDEX_MIN_ROWS_PER_SCAN = 1_000;
/** A hypothetical index must cut the statement's estimated cost by this factor at least. */
export const MISSING_INDEX_MIN_GAIN = 0.5;
export const ADVICE_STATEMENT_TIMEOUT_MS = 2_000;

export interface AdviceStatement {
  queryid: string;
  text: string;
}

export interface MissingIndexCandidate {
  /** schema.table as the catalog names it */
  table: string;
  columns: string[];
  /** CREATE INDEX CONCURRENTLY ... */
  statement: string;
  /** the statements whose predicates asked for it */
  queryids: string[];
  /** the parser (libpg-query) read the columns from the text, pg_qualstats sampled them, or both */
  sources: AdviceSource[];
  /** proven with a hypothetical index (hypopg) */
  verified: boolean;
  costBefore?: number;
  costAfter?: number;
  detail: string;
}

export interface MissingIndexResult {
  candidates: MissingIndexCandidate[];
  /** queryid -> why it gave no candidate to check (unparsed, unplannable, ...) */
  skipped: Map<string, string>;
  connectionLost: boolean;
}

const ident = (s: string) => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`);
const PARAMETER = /\$(\d+)/g;

interface SeqTable {
  oid: string;
  schema: string;
  name: string;
  seqScan: number;
  rowsPerScan: number;
  liveRows: number;
  /** the leading column of each valid index */
  leading: Set<string>;
  columns: Set<string>;
}

/** Tables whose sequential scans read many rows: where a missing index shows. */
async function seqScannedTables(client: ProbeClient): Promise<Map<string, SeqTable>> {
  const r = await client.query(
    `SELECT /* pgvigil:advice */ t.relid::text AS oid, t.schemaname, t.relname, t.seq_scan,
            t.seq_tup_read / t.seq_scan AS per_scan, t.n_live_tup,
            (SELECT coalesce(array_agg(a.attname::text), '{}') FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
              WHERE i.indrelid = t.relid AND i.indisvalid) AS leading,
            (SELECT array_agg(a.attname::text) FROM pg_attribute a
              WHERE a.attrelid = t.relid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_stat_user_tables t
      WHERE t.seq_scan > 0 AND t.n_live_tup >= $1 AND t.seq_tup_read / t.seq_scan >= $2`,
    [MISSING_INDEX_MIN_ROWS, MISSING_INDEX_MIN_ROWS_PER_SCAN],
  );
  return new Map(
    r.rows.map((row) => [
      String(row.oid),
      {
        oid: String(row.oid),
        schema: String(row.schemaname),
        name: String(row.relname),
        seqScan: Number(row.seq_scan),
        rowsPerScan: Number(row.per_scan),
        liveRows: Number(row.n_live_tup),
        leading: new Set(row.leading as string[]),
        columns: new Set(row.columns as string[]),
      },
    ]),
  );
}

/** The estimated total cost of a statement's plan; $n statements as a generic plan. */
async function estimatedCost(client: ProbeClient, text: string): Promise<number> {
  const params = [...text.matchAll(PARAMETER)].map((m) => Number(m[1]));
  let r;
  if (params.length === 0) {
    r = await client.query(`EXPLAIN (FORMAT JSON) ${text}`);
  } else {
    // PREPARE + a forced generic plan: a plan without values on every major (GENERIC_PLAN is 16+).
    // The session's prepared statement outlives a failed transaction: cleanUp() drops it.
    await client.query(`PREPARE pgvigil_advice AS ${text}`);
    const nulls = Array.from({ length: Math.max(...params) }, () => 'NULL').join(', ');
    r = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE pgvigil_advice(${nulls})`);
    await client.query('DEALLOCATE pgvigil_advice');
  }
  const raw: unknown = r.rows[0]?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    Plan: { 'Total Cost': number };
  }[];
  return doc[0]!.Plan['Total Cost'];
}

interface Draft {
  table: SeqTable;
  columns: string[];
  queryids: string[];
  texts: string[];
  sources: Set<AdviceSource>;
  /** what pg_qualstats measured, when it proposed these columns too */
  qual?: QualstatsPredicates;
}

/** pg_qualstats' predicates, or none when it fails (installed but not preloaded). */
async function sampledPredicates(
  client: ProbeClient,
  statements: readonly AdviceStatement[],
): Promise<QualstatsPredicates[]> {
  await client.query('SAVEPOINT pgvigil_qualstats');
  try {
    const preds = await qualstatsPredicates(
      client,
      statements.map((s) => s.queryid),
    );
    await client.query('RELEASE SAVEPOINT pgvigil_qualstats');
    return preds;
  } catch (err) {
    if (typeof (err as { severity?: unknown }).severity !== 'string') throw err;
    await client.query('ROLLBACK TO SAVEPOINT pgvigil_qualstats');
    return [];
  }
}

/** Adds pg_qualstats' candidates to the parser's: the same columns merge, new ones are added. */
function mergeQualstats(
  drafts: Map<string, Draft>,
  preds: readonly QualstatsPredicates[],
  tables: ReadonlyMap<string, SeqTable>,
  statements: readonly AdviceStatement[],
): void {
  const sameSet = (a: string[], b: string[]) =>
    a.length === b.length && a.every((c) => b.includes(c));
  for (const q of preds) {
    const table = tables.get(q.relid);
    const text = statements.find((s) => s.queryid === q.queryid)?.text;
    if (!table || text === undefined || table.leading.has(q.columns[0]!)) continue;
    const found = [...drafts.values()].find(
      (d) => d.table.oid === table.oid && sameSet(d.columns, q.columns),
    );
    const d = found ?? { table, columns: q.columns, queryids: [], texts: [], sources: new Set() };
    d.sources.add('pg_qualstats');
    if (!d.qual || q.executions > d.qual.executions) d.qual = q;
    if (!d.queryids.includes(q.queryid)) {
      d.queryids.push(q.queryid);
      d.texts.push(text);
    }
    if (!found) drafts.set(`${table.oid}:${q.columns.join(',')}`, d);
  }
}

/** Where the columns came from, for the advice's detail. */
function origin(d: Draft): string {
  const q = d.qual;
  const sampled = q
    ? `pg_qualstats sampled ${q.quals.join(', ')} in ${q.executions} execution(s), keeping ${(q.selectivity * 100).toPrecision(2)} % of the rows read`
    : '';
  if (!d.sources.has('parser')) return `${sampled}; `;
  return q ? `${sampled} (the parser reads the same); ` : '';
}

/**
 * Missing-index candidates for one database: the indexable predicates (parsed with
 * PostgreSQL's own parser) of `statements` over tables that are read by large
 * sequential scans, less those an existing index leads with. With hypopg installed each
 * is proven: the estimated cost of its first statement without and with a hypothetical
 * index (EXPLAIN, never ANALYZE, in a read-only transaction with a short
 * statement_timeout); one that does not lower the cost enough is dropped. Without
 * hypopg the candidates are returned unverified.
 */
export async function adviseMissingIndexes(
  client: ProbeClient,
  statements: readonly AdviceStatement[],
  timeoutMs = ADVICE_STATEMENT_TIMEOUT_MS,
): Promise<MissingIndexResult> {
  const skipped = new Map<string, string>();
  const result = (candidates: MissingIndexCandidate[], connectionLost = false) => ({
    candidates,
    skipped,
    connectionLost,
  });
  const drafts = new Map<string, Draft>();
  let hypopg = false;
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${DEFAULT_LOCK_TIMEOUT_MS}`);
    await client.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
    const tables = await seqScannedTables(client);
    if (tables.size === 0) {
      await client.query('ROLLBACK');
      return result([]);
    }
    const installed = new Set(
      (
        await client.query(
          `SELECT /* pgvigil:advice */ extname FROM pg_extension WHERE extname IN ('hypopg', 'pg_qualstats')`,
        )
      ).rows.map((r) => String(r.extname)),
    );
    hypopg = installed.has('hypopg');
    for (const s of statements) {
      const preds = await statementPredicates(s.text);
      if (preds === null) {
        skipped.set(s.queryid, 'the parser does not read its text');
        continue;
      }
      for (const p of preds) {
        // a round trip only for a name one of the scanned tables has (the parser folded case)
        if (![...tables.values()].some((t) => t.name === p.relation.name)) continue;
        const name = p.relation.schema
          ? `${ident(p.relation.schema)}.${ident(p.relation.name)}`
          : ident(p.relation.name);
        const oid = (
          await client.query(`SELECT /* pgvigil:advice */ to_regclass($1)::oid::text AS oid`, [
            name,
          ])
        ).rows[0]?.oid;
        const table = oid == null ? undefined : tables.get(String(oid));
        if (!table) continue;
        const columns = p.columns.filter((c) => table.columns.has(c));
        if (columns.length === 0 || table.leading.has(columns[0]!)) continue;
        const key = `${table.oid}:${columns.join(',')}`;
        const d = drafts.get(key) ?? {
          table,
          columns,
          queryids: [],
          texts: [],
          sources: new Set<AdviceSource>(['parser']),
        };
        if (!d.queryids.includes(s.queryid)) {
          d.queryids.push(s.queryid);
          d.texts.push(s.text);
        }
        drafts.set(key, d);
      }
    }
    if (installed.has('pg_qualstats'))
      mergeQualstats(drafts, await sampledPredicates(client, statements), tables, statements);
    const candidates: MissingIndexCandidate[] = [];
    for (const d of drafts.values()) {
      const qualified = `${ident(d.table.schema)}.${ident(d.table.name)}`;
      const cols = d.columns.map(ident).join(', ');
      const seen = `${origin(d)}${d.table.seqScan} sequential scans reading about ${Math.round(d.table.rowsPerScan)} rows each of ${d.table.liveRows}`;
      const base = {
        table: `${d.table.schema}.${d.table.name}`,
        columns: d.columns,
        statement: `CREATE INDEX CONCURRENTLY ON ${qualified} (${cols});`,
        queryids: d.queryids,
        sources: ADVICE_SOURCES.filter((x) => d.sources.has(x)),
      };
      if (!hypopg) {
        candidates.push({
          ...base,
          verified: false,
          detail: `unverified (hypopg is not installed in this database): ${seen}`,
        });
        continue;
      }
      const proof = await prove(client, `CREATE INDEX ON ${qualified} (${cols})`, d.texts[0]!);
      if ('reason' in proof) {
        for (const id of d.queryids) skipped.set(id, proof.reason);
        continue;
      }
      if (proof.after > proof.before * MISSING_INDEX_MIN_GAIN) continue; // the planner would not gain
      candidates.push({
        ...base,
        verified: true,
        costBefore: proof.before,
        costAfter: proof.after,
        detail: `verified with a hypothetical index (hypopg): estimated cost ${proof.before.toFixed(0)} -> ${proof.after.toFixed(0)}; ${seen}`,
      });
    }
    await client.query('ROLLBACK');
    return result(candidates);
  } catch (err) {
    const e = err as { code?: string; severity?: unknown };
    const fromServer = typeof e.severity === 'string';
    if (fromServer) {
      await client.query('ROLLBACK').catch(() => undefined);
      await cleanUp(client, hypopg).catch(() => undefined);
    }
    return result([], isConnectionLoss(e.code) || !fromServer);
  }
}

/** Cost before and with one hypothetical index; the index is gone afterwards (hypopg_reset). */
async function prove(
  client: ProbeClient,
  createIndex: string,
  text: string,
): Promise<{ before: number; after: number } | { reason: string }> {
  await client.query('SAVEPOINT pgvigil_advice');
  try {
    const before = await estimatedCost(client, text);
    await client.query('SELECT /* pgvigil:advice */ hypopg_create_index($1)', [createIndex]);
    const after = await estimatedCost(client, text);
    await client.query('SELECT /* pgvigil:advice */ hypopg_reset()');
    await client.query('RELEASE SAVEPOINT pgvigil_advice');
    return { before, after };
  } catch (err) {
    const e = err as { message?: string; severity?: unknown };
    if (typeof e.severity !== 'string') throw err;
    await client.query('ROLLBACK TO SAVEPOINT pgvigil_advice');
    await cleanUp(client, true);
    return { reason: e.message ?? String(err) };
  }
}

/** Hypothetical indexes and prepared statements belong to the session, not the transaction. */
async function cleanUp(client: ProbeClient, hypopg: boolean): Promise<void> {
  if (hypopg) await client.query('SELECT /* pgvigil:advice */ hypopg_reset()');
  const left = await client.query(
    `SELECT /* pgvigil:advice */ 1 FROM pg_prepared_statements WHERE name = 'pgvigil_advice'`,
  );
  if (left.rows.length > 0) await client.query('DEALLOCATE pgvigil_advice');
}
