import { z } from 'zod';
import { ROLLUP_LEVELS, rollupTable, isNumeric } from '@pgvigil/schema/metric-spec';
import type { Db, Queryable } from '../client';
import { NotFoundError, sqlState } from '../errors';
import { carrySeconds, getMetricCatalog, type CatalogEntry } from '../metrics/catalog';
import {
  readBucketedRows,
  readNewestRows,
  readRuns,
  readTableRows,
  type MetricTableRow,
} from '../metrics/read-table-rows';
import { carriedValues, densify, type Run } from '../metrics/sparse-read';

const input = z.object({
  probe: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  from: z.date(),
  to: z.date(),
  /**
   * the rules read only the newest row of each series (the latest value, from each
   * row alone), a series being one object named by `objectKeys`: when those are the
   * probe's key columns, only that row is read
   */
  newest: z.boolean().optional(),
  objectKeys: z.array(z.string()).optional(),
  /** a trend over days: rows averaged per series and bucket of this many seconds */
  bucketSeconds: z.number().int().positive().optional(),
});
export type ReadRuleRowsInput = z.input<typeof input>;

export type RuleSourceRow = MetricTableRow;

/**
 * Raw rows of one probe table for a window, oldest first, with only the columns
 * rules read (plus database_name when the table has it). A probe whose table does
 * not exist yet yields nothing, and a column it lacks is absent from `values`: the
 * rules reading it see no data, the others are unaffected. A sparse probe's rows
 * come back as if every run had stored every row, so rules judge idle objects too.
 */
export async function readRuleRows(
  db: Queryable,
  raw: ReadRuleRowsInput,
  /** at most this many stored rows from the window (a budget check reads one more) */
  limit?: number,
): Promise<RuleSourceRow[]> {
  const q = input.parse(raw);
  const entry = await getMetricCatalog(db, q.probe).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  const keys = entry?.columns.filter((c) => c.key).map((c) => c.name) ?? [];
  const sameSeries =
    q.newest === true &&
    keys.length === (q.objectKeys ?? []).length &&
    keys.every((k) => q.objectKeys?.includes(k));
  if (entry && sameSeries) return readNewest(db, entry, q, keys);
  // a sparse probe's stored rows are not its runs: averaging them would weigh moves
  if (entry && q.bucketSeconds && !entry.sparse) {
    const numeric = new Set(entry.columns.filter(isNumeric).map((c) => c.name));
    return readBucketedRows(db, q.probe, q.columns, keys, numeric, q.serverIds, {
      from: q.from,
      to: q.to,
      bucketSeconds: q.bucketSeconds,
    });
  }
  if (!entry?.sparse) {
    return readTableRows(
      db,
      q.probe,
      q.columns,
      q.serverIds,
      { from: q.from, to: q.to, inclusive: 'end' },
      limit,
    );
  }
  return readSparseRows(db, entry, q, limit);
}

async function readSparseRows(
  db: Queryable,
  entry: CatalogEntry,
  q: z.output<typeof input>,
  limit: number | undefined,
): Promise<RuleSourceRow[]> {
  const keys = entry.columns.filter((c) => c.key).map((c) => c.name);
  const carryMs = carrySeconds(entry) * 1000;
  const since = new Date(q.from.getTime() - carryMs);
  // the keys identify a row across runs; the keyframe runs say which rows were gone
  const read = [...new Set([...q.columns, ...keys])];
  // one after another: `db` may be one session (the rule's budgeted transaction)
  const before = await readNewestRows(db, entry.name, read, keys, q.serverIds, {
    from: since,
    to: q.from,
  });
  // stored rows are at most the dense ones: past the limit stored, past it dense
  const inWindow = await readTableRows(
    db,
    entry.name,
    read,
    q.serverIds,
    { from: q.from, to: q.to, inclusive: 'end' },
    limit,
  );
  const runRows = await readRuns(db, entry.name, q.serverIds, { from: since, to: q.to });
  const group = (r: { server_id: number; database_name: string | null }) =>
    `${r.server_id}\u0000${r.database_name ?? ''}`;
  const runs = new Map<string, Run[]>();
  for (const r of runRows) {
    const list = runs.get(group(r)) ?? [];
    runs.set(group(r), list);
    list.push({ t: r.t.getTime(), keyframe: r.keyframe });
  }
  const own = new Set(q.columns);
  const asOf = before.map(({ run: _run, keyframe: _keyframe, ...r }) => r);
  const rows = densify<RuleSourceRow>([...asOf, ...inWindow], {
    runs,
    from: q.from.getTime(),
    to: q.to.getTime(),
    includeFrom: false,
    carryMs,
    groupOf: group,
    keyOf: (r) => JSON.stringify(keys.map((k) => r.values[k] ?? null)),
    timeOf: (r) => r.collected_at.getTime(),
    carry: (r, at) => ({
      ...r,
      collected_at: new Date(at),
      values: carriedValues(r.values, entry.columns, (at - r.collected_at.getTime()) / 1000),
    }),
  });
  // only what was asked for, as for a dense probe
  return rows.map((r) => ({
    ...r,
    values: Object.fromEntries(Object.entries(r.values).filter(([k]) => own.has(k))),
  }));
}

/**
 * The newest row of each series as of `to`. A sparse probe's row is carried to the
 * newest run of its server and database, unless a keyframe since did without it.
 */
async function readNewest(
  db: Queryable,
  entry: CatalogEntry,
  q: z.output<typeof input>,
  keys: string[],
): Promise<RuleSourceRow[]> {
  const carryMs = carrySeconds(entry) * 1000;
  const rows = await readNewestRows(db, entry.name, q.columns, keys, q.serverIds, {
    from: new Date(q.from.getTime() - carryMs),
    to: q.to,
  });
  const out: RuleSourceRow[] = [];
  for (const { run, keyframe, ...r } of rows) {
    const t = r.collected_at.getTime();
    if (!entry.sparse) {
      if (t > q.from.getTime()) out.push(r);
      continue;
    }
    // a row a keyframe did without is gone: its last row stands as stored, for the
    // rules to see it vanish, as they would from a dense probe
    const gone = keyframe ? t < keyframe.getTime() : run.getTime() - t > carryMs;
    if (gone) {
      if (t > q.from.getTime()) out.push(r);
      continue;
    }
    if (run.getTime() <= q.from.getTime()) continue;
    out.push({
      ...r,
      collected_at: run,
      values: carriedValues(r.values, entry.columns, (run.getTime() - t) / 1000),
    });
  }
  return out.sort((a, b) => a.collected_at.getTime() - b.collected_at.getTime());
}

/** A rule's read went past its budget (time or rows): the rule is skipped this cycle. */
export class RuleReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleReadError';
  }
}

const budgeted = input.extend({
  /** `raw` samples, or a rollup level (buckets by their start) */
  level: z.enum(['raw', ...ROLLUP_LEVELS]),
  timeoutMs: z.number().int().min(100).max(600_000),
  /** more rows than this is an error, not a partial read */
  maxRows: z.number().int().positive().optional(),
});
export type ReadRuleWindowInput = z.input<typeof budgeted>;

/**
 * A rule's rows under a budget: the read runs with its own statement_timeout, and
 * more than `maxRows` rows fail it. Either way a RuleReadError says which limit
 * was hit, so one rule's wide window never holds up or breaks the others.
 */
export async function readRuleWindow(db: Db, raw: ReadRuleWindowInput): Promise<RuleSourceRow[]> {
  const q = budgeted.parse(raw);
  const table = q.level === 'raw' ? q.probe : rollupTable(q.probe, q.level);
  try {
    const limit = q.maxRows === undefined ? undefined : q.maxRows + 1;
    const rows = await db.tx(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = ${q.timeoutMs}`);
      // raw samples as the rules read them (a sparse probe's carried rows included)
      if (q.level === 'raw') return readRuleRows(tx, q, limit);
      return readTableRows(
        tx,
        table,
        q.columns,
        q.serverIds,
        { from: q.from, to: q.to, inclusive: 'start' },
        limit,
      );
    });
    if (q.maxRows !== undefined && rows.length > q.maxRows) {
      throw new RuleReadError(
        `reads more than ${q.maxRows} rows of ${table}; narrow its scope or its window`,
      );
    }
    return rows;
  } catch (err) {
    if (sqlState(err) === '57014')
      throw new RuleReadError(`reading ${table} took longer than ${q.timeoutMs / 1000} s`);
    throw err;
  }
}
