// Checks of the tables: publications, replica identity, persistence, TOAST, copy size.
import { formatBytes, formatSeconds } from '@pgvigil/schema';
import type { ReadinessFacts } from './facts';
import { TOAST_HEAVY_BYTES } from './gather';
import {
  leafTables,
  list,
  ok,
  plural,
  qname,
  totalBytes,
  ident,
  BIG_TABLE_BYTES,
  type Body,
  type ReadinessOptions,
} from './check-kit';

export function publications(f: ReadinessFacts): Body {
  const objects = f.publications.map((p) => ({
    name: p.name,
    allTables: p.allTables,
    tables: p.tables,
    actions: p.actions.join(', '),
    ...(p.generatedColumns === null ? {} : { generatedColumns: p.generatedColumns }),
  }));
  const tables = leafTables(f);
  const fixAll =
    f.serverVersion >= 150000
      ? `CREATE PUBLICATION pgvigil_${f.database.replace(/\W/g, '_')} FOR TABLES IN SCHEMA ${[...new Set(tables.map((t) => ident(t.schema)))].join(', ') || 'public'};`
      : `CREATE PUBLICATION pgvigil_${f.database.replace(/\W/g, '_')} FOR ALL TABLES;`;
  if (!f.publications.length)
    return {
      status: 'warning',
      detail: 'This database has no publication yet; a subscriber needs one.',
      fix: fixAll,
    };
  if (f.publications.some((p) => p.allTables))
    return ok(`${plural(f.publications.length, 'publication')}; one covers all tables.`, objects);
  const uncovered = tables.filter((t) => t.publications.length === 0);
  if (!uncovered.length)
    return ok(`${plural(f.publications.length, 'publication')} cover every table.`, objects);
  return {
    status: 'warning',
    detail: `${plural(uncovered.length, 'table')} are in no publication and would not be replicated: ${uncovered
      .slice(0, 5)
      .map((t) => qname(t.schema, t.name))
      .join(', ')}${uncovered.length > 5 ? ', ...' : ''}.`,
    fix: `ALTER PUBLICATION ${ident(f.publications[0]!.name)} ADD TABLE ${uncovered
      .slice(0, 50)
      .map((t) => qname(t.schema, t.name))
      .join(', ')};`,
    objects,
  };
}

export function replicaIdentity(f: ReadinessFacts): Body {
  const bad = leafTables(f).filter(
    (t) => t.replicaIdentity === 'n' || (t.replicaIdentity === 'd' && !t.hasPrimaryKey),
  );
  if (!bad.length) return ok('Every table has a primary key or another usable replica identity.');
  const fix = bad
    .slice(0, 100)
    .map((t) =>
      t.candidateIndex
        ? `ALTER TABLE ${qname(t.schema, t.name)} REPLICA IDENTITY USING INDEX ${ident(t.candidateIndex)};`
        : `ALTER TABLE ${qname(t.schema, t.name)} ADD PRIMARY KEY (...); -- or REPLICA IDENTITY FULL`,
    )
    .join('\n');
  return {
    status: 'blocker',
    detail: `${plural(bad.length, 'table')} without a primary key or usable replica identity: once published, UPDATE and DELETE on them fail.`,
    fix,
    objects: list(bad).map((t) => ({
      name: qname(t.schema, t.name),
      replicaIdentity: t.replicaIdentity === 'n' ? 'nothing' : 'default (no primary key)',
      bytes: totalBytes(t),
      rows: t.rows,
      candidateIndex: t.candidateIndex,
    })),
  };
}

export function replicaIdentityFull(f: ReadinessFacts): Body {
  const full = leafTables(f).filter((t) => t.replicaIdentity === 'f');
  const big = full.filter((t) => totalBytes(t) >= BIG_TABLE_BYTES);
  const objects = list(full).map((t) => ({
    name: qname(t.schema, t.name),
    bytes: totalBytes(t),
    rows: t.rows,
    candidateIndex: t.candidateIndex,
  }));
  if (!big.length)
    return ok(
      full.length
        ? `${plural(full.length, 'table')} use REPLICA IDENTITY FULL, none of them big.`
        : 'No table uses REPLICA IDENTITY FULL.',
      objects,
    );
  const fix = big
    .filter((t) => t.candidateIndex)
    .map(
      (t) =>
        `ALTER TABLE ${qname(t.schema, t.name)} REPLICA IDENTITY USING INDEX ${ident(t.candidateIndex!)};`,
    )
    .join('\n');
  return {
    status: 'warning',
    detail: `${plural(big.length, 'big table')} (from ${formatBytes(BIG_TABLE_BYTES)}) use REPLICA IDENTITY FULL: every UPDATE and DELETE logs the whole old row, and the subscriber finds it without a key.`,
    ...(fix ? { fix } : {}),
    objects,
  };
}

export function unloggedTemporary(f: ReadinessFacts, o: ReadinessOptions): Body {
  const unlogged = f.tables.filter((t) => t.persistence === 'u');
  const temporary = f.tables.filter((t) => t.persistence === 't');
  const objects = list([...unlogged, ...temporary]).map((t) => ({
    name: qname(t.schema, t.name),
    persistence: t.persistence === 'u' ? 'unlogged' : 'temporary',
    bytes: totalBytes(t),
    rows: t.rows,
  }));
  if (!unlogged.length && !temporary.length) return ok('No unlogged or temporary table.');
  const detail = `${plural(unlogged.length, 'unlogged table')} and ${plural(temporary.length, 'temporary table')}: neither is written to WAL, so logical replication never carries their rows.`;
  if (!unlogged.length)
    return ok(`${detail} Temporary tables belong to one session only.`, objects);
  return {
    status: o.purpose === 'migration' ? 'blocker' : 'warning',
    detail:
      o.purpose === 'migration' ? `${detail} Their rows would not arrive on the target.` : detail,
    fix: unlogged
      .slice(0, 100)
      .map((t) => `ALTER TABLE ${qname(t.schema, t.name)} SET LOGGED;`)
      .join('\n'),
    objects,
  };
}

export function toastHeavy(f: ReadinessFacts): Body {
  const heavy = leafTables(f).filter((t) => t.toastBytes >= TOAST_HEAVY_BYTES);
  if (!heavy.length)
    return ok(`No table has ${formatBytes(TOAST_HEAVY_BYTES)} of TOAST data or more.`);
  return {
    status: 'warning',
    detail: `${plural(heavy.length, 'table')} with ${formatBytes(TOAST_HEAVY_BYTES)} of TOAST data or more: wide values make the initial copy slow and decoding memory-hungry (logical_decoding_work_mem), and an UPDATE does not send TOASTed values it left unchanged, so the target must already have them.`,
    objects: [
      ...heavy.map((t) => ({
        name: qname(t.schema, t.name),
        toastBytes: t.toastBytes,
        heapBytes: t.heapBytes,
      })),
      ...list(f.toastColumns).map((c) => ({
        name: `${qname(c.schema, c.table)}.${ident(c.column)}`,
        type: c.type,
      })),
    ],
  };
}

export function initialCopy(f: ReadinessFacts, o: ReadinessOptions): Body {
  const tables = leafTables(f);
  const bytes = tables.reduce((sum, t) => sum + t.heapBytes + t.toastBytes, 0);
  const rows = tables.reduce((sum, t) => sum + (t.rows ?? 0), 0);
  const seconds = bytes / o.copyBytesPerSecond;
  const body = ok(
    `About ${formatBytes(bytes)} in ${plural(tables.length, 'table')} (${rows} rows estimated, indexes not counted: the target builds its own): about ${formatSeconds(Math.max(1, Math.round(seconds)))} at ${formatBytes(o.copyBytesPerSecond)}/s.`,
    [
      {
        name: 'initial copy',
        bytes,
        rows,
        seconds: Math.round(seconds),
        bytesPerSecond: o.copyBytesPerSecond,
      },
    ],
  );
  if (seconds <= LONG_COPY_SECONDS) return body;
  return {
    ...body,
    status: 'warning',
    detail: `${body.detail} That is longer than a day: the source keeps WAL for the whole copy; plan the window, or copy the biggest tables by other means first.`,
  };
}
const LONG_COPY_SECONDS = 86_400;
