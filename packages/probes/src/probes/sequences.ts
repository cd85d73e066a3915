import { PRIVILEGE_CHECKS, SEQUENCE_HELPER } from '../privileges';
import type { LockedReader } from '../types';
import { LOCKED_CTE, V14, defineProbe } from './define';

type Row = Record<string, unknown>;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (r: Row) =>
  `${quoteIdent(String(r.schemaname))}.${quoteIdent(String(r.sequencename))}`;

/** What a role lacking SELECT on a sequence (or USAGE on its schema) needs, as SQL. */
export function sequenceGrants(role: string, schemas: readonly string[]): string {
  const r = quoteIdent(role);
  const list = schemas.map(quoteIdent).join(', ');
  return (
    `GRANT USAGE ON SCHEMA ${list} TO ${r}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${list} TO ${r}; ` +
    `for sequences created later, ALTER DEFAULT PRIVILEGES FOR ROLE <owner> IN SCHEMA ${list} ` +
    `GRANT SELECT ON SEQUENCES TO ${r}; or install the helper ${SEQUENCE_HELPER} (docs/permissions.md); ` +
    `or, on PostgreSQL 14+, GRANT pg_read_all_data TO ${r}`
  );
}

interface Read {
  last: string | null;
  called: boolean;
}

/**
 * Reads last_value with a plain SELECT on each sequence: AccessShareLock, held to the end
 * of a transaction of at most `batchSize` sequences. (pg_sequences calls
 * pg_sequence_last_value(), which takes RowExclusiveLock on every sequence it lists.)
 */
async function readBatch(
  reader: LockedReader,
  batch: readonly Row[],
): Promise<Map<string, Read | string>> {
  // a sequence the role may not SELECT is read through the helper, as the helper's owner
  const sql = (rows: readonly Row[]) =>
    rows
      .map((r) =>
        r.readable
          ? `SELECT ${Number(r.oid)}::bigint AS oid, last_value::text AS last, is_called AS called FROM ${qualified(r)}`
          : `SELECT ${Number(r.oid)}::bigint AS oid, last_value::text AS last, is_called AS called FROM ${SEQUENCE_HELPER.replace('regclass', `${Number(r.oid)}::oid`)}`,
      )
      .join(' UNION ALL ');
  const out = new Map<string, Read | string>();
  const take = (rows: Row[]) => {
    for (const r of rows) out.set(String(r.oid), { last: r.last as string, called: !!r.called });
  };
  const whole = await reader.read(sql(batch)).catch(() => null);
  if (Array.isArray(whole)) {
    take(whole);
    return out;
  }
  // One of them is locked or unreadable: read them one by one to find which.
  for (const r of batch) {
    const one = await reader.read(sql([r])).catch((err: unknown) => err as Error);
    if (Array.isArray(one)) take(one);
    else
      out.set(
        String(r.oid),
        one === 'locked'
          ? `locked by another session for longer than lock_timeout (${reader.lockTimeoutMs} ms)`
          : `not read: ${one.message}`,
      );
  }
  return out;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function readSequences(
  listed: Row[],
  reader: LockedReader,
  topN: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const reads = new Map<string, Read | string>();
  const readable = listed.filter((r) => (r.readable || r.helper) && !r.locked);
  for (let i = 0; i < readable.length; i += reader.batchSize) {
    for (const [oid, read] of await readBatch(reader, readable.slice(i, i + reader.batchSize)))
      reads.set(oid, read);
  }
  const role = String(listed[0]?.role ?? 'the monitoring role');
  const rows = listed.map((r) => {
    const read = reads.get(String(r.oid));
    const base = {
      schemaname: r.schemaname,
      sequencename: r.sequencename,
      data_type: r.data_type,
      max_value: num(r.max_value),
      column_type: r.column_type,
    };
    if (typeof read !== 'object') {
      const skipped: string =
        !r.readable && !r.helper
          ? `no privilege to read last_value: ${sequenceGrants(role, [String(r.schemaname)])}`
          : ((r.locked as string | null) ?? read ?? 'not read');
      return {
        ...base,
        last_value: null,
        used_pct: null,
        column_used_pct: null,
        skipped,
        rank: -1,
      };
    }
    // Not yet called: nextval() has never run, the sequence stands at its start value.
    const value = Number(read.called ? read.last : r.start_value);
    const max = Number(r.max_value);
    const typeMax = num(r.type_max);
    const used = (100 * value) / max;
    const columnUsed = typeMax ? (100 * value) / typeMax : null;
    return {
      ...base,
      last_value: read.called ? Number(read.last) : null,
      used_pct: used,
      column_used_pct: columnUsed,
      skipped: null as string | null,
      rank: Math.max(used, columnUsed ?? 0),
    };
  });
  const seen = rows.filter((r) => r.rank >= 0).sort((a, b) => b.rank - a.rank);
  const unseen = rows.filter((r) => r.rank < 0);
  const notes: string[] = [];
  const denied = listed.filter((r) => !r.readable && !r.helper);
  if (denied.length) {
    const schemas = [...new Set(denied.map((r) => String(r.schemaname)))].sort();
    notes.push(
      `${denied.length} sequence(s) not readable by ${role} (last_value needs SELECT on the sequence), so their use is unknown, not 0 %: ${sequenceGrants(role, schemas)}`,
    );
  }
  const skipped = unseen.filter((r) => !r.skipped?.startsWith('no privilege'));
  if (skipped.length) {
    const first = skipped[0]!;
    notes.push(
      `${skipped.length} sequence(s) skipped this run, e.g. ${String(first.schemaname)}.${String(first.sequencename)}: ${first.skipped}`,
    );
  }
  // The top N by use, and up to N of those whose use is unknown.
  return {
    rows: [...seen.slice(0, topN), ...unseen.slice(0, topN)].map(({ rank: _, ...r }) => r),
    notes,
  };
}

export const sequences = defineProbe({
  name: 'sequences',
  title: 'Sequences',
  description:
    "How much of each sequence is used, against the sequence's own maximum and against the maximum of the column type it feeds (an int4 column fed by a bigint sequence runs out first). last_value is read with SELECT on each sequence, 50 per transaction (AccessShareLock only), or through the helper pgvigil.sequence_last_value (docs/permissions.md) for those the role may not SELECT; a sequence it cannot read either way is listed with `skipped` saying which helper or GRANT is missing, never as 0 %.",
  sources: [
    'pg_sequence',
    'pg_class',
    'pg_depend',
    'pg_attribute',
    `each sequence (SELECT, or ${SEQUENCE_HELPER})`,
  ],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 90,
  topN: 200,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'sequencename', type: 'text', key: true },
    { name: 'data_type', type: 'text' },
    // double: bigint maxima (2^63 - 1) do not survive a trip through a JS number
    { name: 'last_value', type: 'double' },
    { name: 'max_value', type: 'double' },
    { name: 'used_pct', type: 'double', unit: 'percent' },
    { name: 'column_type', type: 'text' },
    { name: 'column_used_pct', type: 'double', unit: 'percent' },
    {
      name: 'skipped',
      type: 'text',
      description:
        'why last_value was not read (no SELECT privilege, with the GRANT; locked by DDL); NULL when it was',
    },
  ],
  notes:
    'The SQL lists sequences from the catalog without locking them; last_value comes from a SELECT on each readable sequence, at most 50 per transaction.',
  readLocked: readSequences,
  sql: [
    {
      minVersion: V14,
      sql: `WITH ${LOCKED_CTE}
            SELECT c.oid::bigint AS oid, n.nspname::text AS schemaname, c.relname::text AS sequencename,
                   format_type(s.seqtypid, NULL) AS data_type, s.seqmax::text AS max_value,
                   s.seqstart::text AS start_value, current_user::text AS role,
                   has_schema_privilege(n.oid, 'USAGE') AND has_sequence_privilege(c.oid, 'SELECT') AS readable,
                   ${PRIVILEGE_CHECKS.sequence_helper.sql} AS helper,
                   l.reason AS locked, col.column_type, col.type_max::text AS type_max
              FROM pg_sequence s
              JOIN pg_class c ON c.oid = s.seqrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN locked l ON l.oid = c.oid
              LEFT JOIN LATERAL (
                SELECT format_type(a.atttypid, NULL) AS column_type,
                       CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
                                       WHEN 'int8'::regtype THEN 9223372036854775807 END::numeric AS type_max
                  FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                 LIMIT 1
              ) col ON true
             WHERE NOT pg_is_other_temp_schema(n.oid)
             ORDER BY n.nspname, c.relname`,
    },
  ],
});
