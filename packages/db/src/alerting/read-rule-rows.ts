import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { carrySeconds, getMetricCatalog, type CatalogEntry } from '../metrics/catalog';
import { readTableRows, type MetricTableRow } from '../metrics/read-table-rows';
import { carriedValues, densify, type Run } from '../metrics/sparse-read';

const input = z.object({
  probe: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  from: z.date(),
  to: z.date(),
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
): Promise<RuleSourceRow[]> {
  const q = input.parse(raw);
  const entry = await getMetricCatalog(db, q.probe).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  if (!entry?.sparse) {
    return readTableRows(db, q.probe, q.columns, q.serverIds, {
      from: q.from,
      to: q.to,
      inclusive: 'end',
    });
  }
  return readSparseRows(db, entry, q);
}

async function readSparseRows(
  db: Queryable,
  entry: CatalogEntry,
  q: z.output<typeof input>,
): Promise<RuleSourceRow[]> {
  const keys = entry.columns.filter((c) => c.key).map((c) => c.name);
  const carryMs = carrySeconds(entry) * 1000;
  // the keys identify a row across runs; keyframe runs say which rows were gone
  const read = [...new Set([...q.columns, ...keys, 'keyframe'])];
  const stored = await readTableRows(db, entry.name, read, q.serverIds, {
    from: new Date(q.from.getTime() - carryMs),
    to: q.to,
    inclusive: 'end',
  });
  // every run stores at least one row, so the rows read date the runs
  const group = (r: RuleSourceRow) => `${r.server_id}\u0000${r.database_name ?? ''}`;
  const runs = new Map<string, Run[]>();
  for (const r of stored) {
    const list = runs.get(group(r)) ?? [];
    runs.set(group(r), list);
    const t = r.collected_at.getTime();
    const keyframe = r.values.keyframe === true;
    const last = list.at(-1);
    if (last?.t === t) last.keyframe ||= keyframe;
    else list.push({ t, keyframe });
  }
  const own = new Set(q.columns);
  const rows = densify(stored, {
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
