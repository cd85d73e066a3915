import type { IndexAdviceKind } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { listIndexCandidates } from '../metrics/index-candidates';
import { listDatabaseIndexes, type DatabaseIndex } from './list-database-indexes';
import { latestRows, objectKey } from './latest-rows';
import { parseInput } from './parse';

export const indexAdviceInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
});

export type IndexAdvice = {
  kind: IndexAdviceKind;
  /** schema.table */
  table: string;
  /** schema.index */
  index?: string;
  columns?: string[];
  /** the statement that applies the advice */
  statement: string;
  estimatedSavingBytes?: number;
  costBefore?: number;
  costAfter?: number;
  /** checked: a catalog fact, or unused on every member of the cluster that reported */
  verified: boolean;
  /** why, and what was not checked */
  detail: string;
};

/** A bloated index worth a REINDEX: this much of it, and at least this many bytes, is bloat. */
export const BLOATED_PCT = 30;
export const BLOATED_MIN_BYTES = 8 * 1024 ** 2;
/** A missing-index candidate not checked again for this long is no longer shown. */
export const MISSING_CANDIDATE_TTL_MS = 7 * 86_400_000;

const ident = (s: string) => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`);
const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;

/**
 * Index advice for one database from the newest samples: drop invalid, duplicate and
 * unused indexes, REINDEX bloated ones. An index is unused only if no member of the
 * server's cluster (its standbys, its primary) scanned it: a member whose samples of
 * this database show it unscanned agrees, one that shows it scanned vetoes, one
 * without samples of the database leaves the advice unverified. Missing indexes come
 * from the collector's checks of the database's top statements (index_candidates),
 * verified when hypopg proved them.
 */
export async function getIndexAdvice({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof indexAdviceInput>;
  at: Date;
}): Promise<{ advice: IndexAdvice[] }> {
  const i = parseInput(indexAdviceInput, input);
  const indexes = await listDatabaseIndexes({ db, input: i, at });
  const members = await db.query<{ id: number; name: string }>(
    `SELECT m.id::int AS id, m.name FROM servers s JOIN servers m ON m.cluster_id = s.cluster_id
      WHERE s.id = $1 AND m.id <> s.id ORDER BY m.id`,
    [i.serverId],
  );
  const elsewhere = await Promise.all(
    members.map(async (m) => {
      const [seen, health] = await Promise.all([
        latestRows(db, 'indexes', m.id, i.database, at),
        latestRows(db, 'index_health', m.id, i.database, at),
      ]);
      const unused = new Set(
        health
          .filter((r) => r.key.issue === 'unused')
          .map((r) => objectKey(String(r.key.schemaname), String(r.key.indexrelname))),
      );
      return { name: m.name, reported: seen.length > 0, unused };
    }),
  );
  const advice: IndexAdvice[] = [];
  for (const ix of indexes) {
    const key = objectKey(ix.schemaname, ix.indexrelname);
    const base = {
      table: objectKey(ix.schemaname, ix.relname ?? '?'),
      index: key,
    };
    const drop = `DROP INDEX CONCURRENTLY ${qualified(ix.schemaname, ix.indexrelname)};`;
    const saving = ix.sizeBytes === null ? {} : { estimatedSavingBytes: ix.sizeBytes };
    for (const { issue, detail } of ix.issues) {
      if (issue === 'unused') {
        const usedOn = elsewhere.filter((m) => m.reported && !m.unused.has(key));
        if (usedOn.length > 0) continue;
        const silent = elsewhere.filter((m) => !m.reported).map((m) => m.name);
        advice.push({
          kind: 'unused',
          ...base,
          statement: drop,
          ...saving,
          verified: silent.length === 0,
          detail: [
            detail ?? 'never scanned',
            elsewhere.length
              ? `unscanned on ${elsewhere.length - silent.length + 1} of ${elsewhere.length + 1} cluster members`
              : 'on this server (no other member in its cluster)',
            ...(silent.length ? [`no samples of this database from ${silent.join(', ')}`] : []),
          ].join('; '),
        });
      } else {
        advice.push({
          kind: issue,
          ...base,
          statement: drop,
          ...saving,
          verified: true,
          detail:
            issue === 'invalid'
              ? 'invalid (a failed CREATE INDEX CONCURRENTLY): not used by queries, still maintained on writes'
              : (detail ?? 'duplicate'),
        });
      }
    }
    if (bloated(ix))
      advice.push({
        kind: 'bloated',
        ...base,
        statement: `REINDEX INDEX CONCURRENTLY ${qualified(ix.schemaname, ix.indexrelname)};`,
        estimatedSavingBytes: ix.bloatBytes!,
        verified: false,
        detail: `about ${Math.round(ix.bloatPct!)} % bloat, estimated from planner statistics`,
      });
  }
  const missing = await listIndexCandidates(
    db,
    i.serverId,
    i.database,
    new Date(at.getTime() - MISSING_CANDIDATE_TTL_MS),
  );
  for (const c of missing)
    advice.push({
      kind: 'missing',
      table: c.table,
      columns: c.columns,
      statement: c.statement,
      ...(c.costBefore === undefined ? {} : { costBefore: c.costBefore }),
      ...(c.costAfter === undefined ? {} : { costAfter: c.costAfter }),
      verified: c.verified,
      detail: c.detail,
    });
  return { advice };
}

const bloated = (ix: DatabaseIndex) =>
  ix.isValid !== false &&
  (ix.bloatPct ?? 0) >= BLOATED_PCT &&
  (ix.bloatBytes ?? 0) >= BLOATED_MIN_BYTES;
