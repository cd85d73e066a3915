// The readiness checks: pure functions over gathered facts, one per key of
// READINESS_CHECKS (the Record makes a new key fail compilation until it has one).
import {
  READINESS_CHECKS,
  formatBytes,
  formatSeconds,
  readinessVerdict,
  type ReadinessCheckKey,
  type ReadinessPurpose,
  type ReadinessStatus,
  type ReadinessVerdict,
} from '@pgvigil/schema';
import type { ReadinessFacts, TableFact } from './facts';
import { TOAST_HEAVY_BYTES } from './gather';

export type ReadinessObject = { name: string } & Record<string, string | number | boolean | null>;

export interface ReadinessCheck {
  key: ReadinessCheckKey;
  title: string;
  status: ReadinessStatus;
  detail: string;
  /** SQL that removes the problem, to review and run */
  fix?: string;
  objects?: ReadinessObject[];
}

export interface ReadinessReport {
  verdict: ReadinessVerdict;
  purpose: ReadinessPurpose;
  database: string;
  serverVersion: number;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  purpose: ReadinessPurpose;
  /** copy rate for the initial-copy estimate, bytes per second */
  copyBytesPerSecond: number;
  /** the clock of the report, for "recent" */
  at: Date;
}

/** From this size a table is "big": REPLICA IDENTITY FULL there costs a scan per change. */
export const BIG_TABLE_BYTES = 1024 ** 3;
/** A slot holding back more WAL than this is lagging. */
export const SLOT_LAG_BYTES = 1024 ** 3;
/** Extra slots and senders a subscription's initial copy uses (one per table-sync worker). */
const SYNC_HEADROOM = 2;
const RECENT_DDL_DAYS = 7;
const MAX_OBJECTS = 200;

type Body = Omit<ReadinessCheck, 'key' | 'title'>;
type CheckFn = (f: ReadinessFacts, o: ReadinessOptions) => Body;

/** "schema"."name", quoted only where needed. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
const qname = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const totalBytes = (t: TableFact) => t.heapBytes + t.toastBytes + t.indexBytes;
const list = <T>(items: T[]) => items.slice(0, MAX_OBJECTS);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Tables that hold rows of their own and are written to WAL. */
const leafTables = (f: ReadinessFacts) =>
  f.tables.filter((t) => t.kind === 'r' && t.persistence === 'p');
const ok = (detail: string, objects?: ReadinessObject[]): Body => ({
  status: 'ok',
  detail,
  ...(objects?.length ? { objects } : {}),
});

function serverSettings(f: ReadinessFacts): Body {
  const s = (name: string) => f.settings[name];
  const n = (name: string) => Number(s(name) ?? 0);
  const problems: { status: ReadinessStatus; text: string; fix?: string }[] = [];
  if (s('wal_level') !== 'logical')
    problems.push({
      status: 'blocker',
      text: `wal_level is ${s('wal_level') ?? 'unknown'}; logical decoding needs logical (a restart)`,
      fix: 'ALTER SYSTEM SET wal_level = logical; -- then restart the server',
    });
  if (n('max_replication_slots') === 0)
    problems.push({
      status: 'blocker',
      text: 'max_replication_slots is 0',
      fix: 'ALTER SYSTEM SET max_replication_slots = 10; -- then restart the server',
    });
  if (n('max_wal_senders') === 0)
    problems.push({
      status: 'blocker',
      text: 'max_wal_senders is 0',
      fix: 'ALTER SYSTEM SET max_wal_senders = 10; -- then restart the server',
    });
  if (n('max_logical_replication_workers') === 0)
    problems.push({
      status: 'warning',
      text: 'max_logical_replication_workers is 0: this server cannot subscribe (as a target)',
      fix: 'ALTER SYSTEM SET max_logical_replication_workers = 4; -- then restart the server',
    });
  if (n('max_worker_processes') < n('max_logical_replication_workers') + 1)
    problems.push({
      status: 'warning',
      text: `max_worker_processes (${n('max_worker_processes')}) leaves no room for the launcher and ${n('max_logical_replication_workers')} replication workers`,
      fix: `ALTER SYSTEM SET max_worker_processes = ${n('max_logical_replication_workers') + 8}; -- then restart the server`,
    });
  if (s('wal_sender_timeout') === '0')
    problems.push({
      status: 'warning',
      text: 'wal_sender_timeout is 0: a dead subscriber keeps its sender and slot forever',
      fix: "ALTER SYSTEM SET wal_sender_timeout = '60s'; SELECT pg_reload_conf();",
    });
  if (f.inRecovery && f.serverVersion < 160000)
    problems.push({
      status: 'blocker',
      text: 'this server is a standby; logical decoding on a standby needs PostgreSQL 16',
    });
  const objects = READINESS_SETTINGS_SHOWN.map((name) => ({ name, value: s(name) ?? null }));
  if (!problems.length)
    return ok('wal_level is logical; slots, senders and workers are enabled.', objects);
  const fixes = problems.flatMap((p) => (p.fix ? [p.fix] : []));
  return {
    status: problems.some((p) => p.status === 'blocker') ? 'blocker' : 'warning',
    detail: `${problems.map((p) => p.text).join('; ')}.`,
    ...(fixes.length ? { fix: fixes.join('\n') } : {}),
    objects,
  };
}
const READINESS_SETTINGS_SHOWN = [
  'wal_level',
  'max_replication_slots',
  'max_wal_senders',
  'max_logical_replication_workers',
  'max_worker_processes',
  'wal_sender_timeout',
];

function headroom(f: ReadinessFacts): Body {
  const slots = Number(f.settings.max_replication_slots ?? 0) - f.slotsUsed;
  const senders = Number(f.settings.max_wal_senders ?? 0) - f.sendersUsed;
  const objects = [
    { name: 'replication slots', used: f.slotsUsed, free: slots },
    { name: 'WAL senders', used: f.sendersUsed, free: senders },
  ];
  const detail = `${plural(slots, 'slot')} and ${plural(senders, 'WAL sender')} free; a subscription takes one of each, and its initial copy up to ${SYNC_HEADROOM} more.`;
  if (slots < 1 || senders < 1)
    return {
      status: 'blocker',
      detail,
      fix: `ALTER SYSTEM SET max_replication_slots = ${f.slotsUsed + 1 + SYNC_HEADROOM + 2};\nALTER SYSTEM SET max_wal_senders = ${f.sendersUsed + 1 + SYNC_HEADROOM + 2};\n-- then restart the server`,
      objects,
    };
  if (slots < 1 + SYNC_HEADROOM || senders < 1 + SYNC_HEADROOM)
    return { status: 'warning', detail, objects };
  return ok(detail, objects);
}

function monitoringRole(f: ReadinessFacts): Body {
  const r = f.currentRole;
  if (r.superuser || r.monitor)
    return ok(
      `pgvigil reads as ${r.name}${r.superuser ? ' (superuser)' : ', a member of pg_monitor'}; wide columns and sequence values show only for tables it may read.`,
    );
  return {
    status: 'warning',
    detail: `pgvigil reads as ${r.name}, which is not in pg_monitor: slot and sender figures may be incomplete.`,
    fix: `GRANT pg_monitor TO ${ident(r.name)};`,
  };
}

function replicationRole(f: ReadinessFacts): Body {
  const objects = list(f.replicationRoles).map((r) => ({
    name: r.name,
    replication: r.replication,
    superuser: r.superuser,
  }));
  const named = f.replicationRole;
  if (named === null)
    return {
      status: 'blocker',
      detail: 'The named replication role does not exist.',
      fix: "CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD '...';",
      objects,
    };
  if (named) {
    const missing = [
      ...(named.canLogin ? [] : ['LOGIN']),
      ...(named.replication || named.superuser ? [] : ['REPLICATION']),
    ];
    if (missing.length)
      return {
        status: 'blocker',
        detail: `${named.name} lacks ${missing.join(' and ')}: the subscriber cannot connect for replication as it.`,
        fix: `ALTER ROLE ${ident(named.name)} WITH ${missing.join(' ')};`,
      };
    return ok(
      `${named.name} can log in and replicate; it also needs SELECT on the published tables for the initial copy.`,
    );
  }
  if (!objects.length)
    return {
      status: 'warning',
      detail: 'No role that can log in has REPLICATION: the subscriber has nothing to connect as.',
      fix: "CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD '...';",
    };
  return ok(
    `${plural(objects.length, 'role')} can log in and replicate; name the one the subscriber will use (role=) to check it.`,
    objects,
  );
}

function publications(f: ReadinessFacts): Body {
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

function replicaIdentity(f: ReadinessFacts): Body {
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

function replicaIdentityFull(f: ReadinessFacts): Body {
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

function unloggedTemporary(f: ReadinessFacts, o: ReadinessOptions): Body {
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

function largeObjects(f: ReadinessFacts, o: ReadinessOptions): Body {
  if (f.largeObjects === 0) return ok('No large objects.');
  return {
    status: o.purpose === 'migration' ? 'blocker' : 'warning',
    detail: `${plural(f.largeObjects, 'large object')} (pg_largeobject): logical replication does not carry them; copy them separately (pg_dump --large-objects) or move them into bytea columns.`,
    objects: [{ name: 'pg_largeobject_metadata', count: f.largeObjects }],
  };
}

function sequences(f: ReadinessFacts, o: ReadinessOptions): Body {
  if (!f.sequences.length) return ok('No sequences.');
  const objects = list(f.sequences).map((s) => ({
    name: qname(s.schema, s.name),
    lastValue: s.lastValue,
    type: s.dataType,
  }));
  const fix = f.sequences
    .filter((s) => s.lastValue !== null)
    .slice(0, 200)
    .map(
      (s) =>
        `SELECT setval(${literal(qname(s.schema, s.name))}, ${s.lastValue}); -- run on the target at cutover`,
    )
    .join('\n');
  return {
    status: 'warning',
    detail: `${plural(f.sequences.length, 'sequence')}: logical replication does not carry sequence values${
      o.purpose === 'migration'
        ? '; set them on the target at cutover (re-read the values then)'
        : ''
    }.`,
    ...(fix ? { fix } : {}),
    objects,
  };
}

function generatedIdentity(f: ReadinessFacts): Body {
  const generated = f.columns.filter((c) => c.generated !== '');
  const identity = f.columns.filter((c) => c.identity !== '');
  const objects = list([...generated, ...identity]).map((c) => ({
    name: `${qname(c.schema, c.table)}.${ident(c.column)}`,
    kind:
      c.generated === 's'
        ? 'stored generated'
        : c.generated === 'v'
          ? 'virtual generated'
          : `identity ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'}`,
    type: c.type,
  }));
  if (!objects.length) return ok('No generated or identity columns.');
  const gen =
    f.serverVersion >= 180000
      ? 'generated columns are computed on the subscriber unless the publication sets publish_generated_columns = stored'
      : 'generated columns are not published; the subscriber computes its own';
  return {
    status: 'warning',
    detail: `${plural(generated.length, 'generated column')} and ${plural(identity.length, 'identity column')}: ${gen}, so the target's columns must match; identity sequences are not carried.`,
    objects,
  };
}

function triggers(f: ReadinessFacts): Body {
  const objects = [
    ...list(f.triggers).map((t) => ({
      name: `${qname(t.schema, t.table)}: ${t.name}`,
      enabled: ENABLED[t.enabled],
      function: t.function,
    })),
    ...f.eventTriggers.map((t) => ({
      name: `event trigger ${t.name}`,
      enabled: ENABLED[t.enabled],
      function: t.event,
    })),
  ];
  if (!objects.length) return ok('No triggers.');
  return {
    status: 'warning',
    detail: `${plural(f.triggers.length, 'trigger')} and ${plural(f.eventTriggers.length, 'event trigger')}. The apply worker runs with session_replication_role = replica: on the target, ordinary triggers do not fire (ENABLE ALWAYS or REPLICA ones do), and triggers that also fire on the source would apply their effects twice.`,
    objects,
  };
}
const ENABLED = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' } as const;

function recentDdl(f: ReadinessFacts, o: ReadinessOptions): Body {
  if (f.recentDdl === null)
    return ok(
      'pgvigil has no schema history of this database yet. Logical replication does not carry DDL.',
    );
  const since = o.at.getTime() - RECENT_DDL_DAYS * 86_400_000;
  const recent = f.recentDdl.filter((d) => d.at.getTime() >= since);
  if (!recent.length)
    return ok(
      `No schema change seen in the last ${RECENT_DDL_DAYS} days. Logical replication does not carry DDL.`,
    );
  return {
    status: 'warning',
    detail: `${plural(recent.length, 'schema change')} seen in the last ${RECENT_DDL_DAYS} days. Logical replication does not carry DDL: apply each change on the target first, or freeze schema changes while it runs.`,
    objects: list(recent).map((d) => ({
      name: qname(d.schema, d.name),
      kind: d.kind,
      change: d.change,
      at: d.at.toISOString(),
    })),
  };
}

function toastHeavy(f: ReadinessFacts): Body {
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

function extensions(f: ReadinessFacts): Body {
  const objects = f.extensions.map((e) => ({ name: e.name, version: e.version }));
  const others = f.extensions.filter((e) => e.name !== 'plpgsql');
  if (!others.length) return ok('Only plpgsql is installed.', objects);
  return {
    status: 'warning',
    detail: `${plural(others.length, 'extension')} besides plpgsql: each must be installed on the target, at a compatible version, before the initial copy.`,
    fix: others
      .map(
        (e) =>
          `CREATE EXTENSION IF NOT EXISTS ${ident(e.name)} VERSION ${literal(e.version)}; -- on the target`,
      )
      .join('\n'),
    objects,
  };
}

function columnTypes(f: ReadinessFacts): Body {
  const local = f.columns.filter((c) => c.serverLocalType);
  const fromExtension = f.columns.filter((c) => c.typeExtension !== null);
  const objects = list([...local, ...fromExtension]).map((c) => ({
    name: `${qname(c.schema, c.table)}.${ident(c.column)}`,
    type: c.type,
    extension: c.typeExtension,
  }));
  if (!objects.length) return ok('Every column has a built-in type the target can take.');
  return {
    status: local.length ? 'blocker' : 'warning',
    detail: [
      local.length
        ? `${plural(local.length, 'column')} of reg*, tid, xid or cid types hold OIDs or positions that mean nothing on another server`
        : '',
      fromExtension.length
        ? `${plural(fromExtension.length, 'column')} have types from extensions (${[
            ...new Set(fromExtension.map((c) => c.typeExtension)),
          ].join(', ')}), which the target must have`
        : '',
    ]
      .filter(Boolean)
      .join('; ')
      .concat('.'),
    objects,
  };
}

function existingSlots(f: ReadinessFacts): Body {
  const bad = f.slots.filter(
    (s) => !s.active || (s.lagBytes ?? 0) >= SLOT_LAG_BYTES || s.walStatus === 'lost',
  );
  const objects = list(f.slots).map((s) => ({
    name: s.name,
    type: s.type,
    database: s.database,
    active: s.active,
    lagBytes: s.lagBytes,
    walStatus: s.walStatus,
    inactiveSince: s.inactiveSince?.toISOString() ?? null,
  }));
  if (!bad.length)
    return ok(
      f.slots.length
        ? `${plural(f.slots.length, 'slot')}, all active and keeping up.`
        : 'No replication slot yet.',
      objects,
    );
  return {
    status: 'warning',
    detail: `${plural(bad.length, 'slot')} inactive or lagging (from ${formatBytes(SLOT_LAG_BYTES)}): each holds back WAL (and, for logical slots, old catalog rows) until it is used or dropped.`,
    fix: bad
      .filter((s) => !s.active)
      .map(
        (s) =>
          `SELECT pg_drop_replication_slot(${literal(s.name)}); -- only if nothing will use it again`,
      )
      .join('\n'),
    objects,
  };
}

function initialCopy(f: ReadinessFacts, o: ReadinessOptions): Body {
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

const CHECKS: Record<ReadinessCheckKey, { title: string; run: CheckFn }> = {
  server_settings: { title: 'Server settings', run: serverSettings },
  slot_sender_headroom: { title: 'Free slots and WAL senders', run: headroom },
  monitoring_role: { title: "pgvigil's role", run: monitoringRole },
  replication_role: { title: 'Replication role', run: replicationRole },
  publications: { title: 'Publications', run: publications },
  replica_identity: { title: 'Primary keys and replica identity', run: replicaIdentity },
  replica_identity_full: { title: 'REPLICA IDENTITY FULL on big tables', run: replicaIdentityFull },
  unlogged_temporary_tables: { title: 'Unlogged and temporary tables', run: unloggedTemporary },
  large_objects: { title: 'Large objects', run: largeObjects },
  sequences: { title: 'Sequences', run: sequences },
  generated_identity_columns: { title: 'Generated and identity columns', run: generatedIdentity },
  triggers: { title: 'Triggers', run: triggers },
  recent_ddl: { title: 'Recent schema changes', run: recentDdl },
  toast_heavy_columns: { title: 'TOAST-heavy tables and columns', run: toastHeavy },
  extensions: { title: 'Extensions', run: extensions },
  column_types: { title: 'Column types', run: columnTypes },
  existing_slots: { title: 'Existing replication slots', run: existingSlots },
  initial_copy: { title: 'Initial copy', run: initialCopy },
};

export const readinessCheckTitle = (key: ReadinessCheckKey) => CHECKS[key].title;

/** Every check over the facts, and the verdict. */
export function assessReadiness(facts: ReadinessFacts, options: ReadinessOptions): ReadinessReport {
  const checks = READINESS_CHECKS.map((key) => ({
    key,
    title: CHECKS[key].title,
    ...CHECKS[key].run(facts, options),
  }));
  return {
    verdict: readinessVerdict(checks.map((c) => c.status)),
    purpose: options.purpose,
    database: facts.database,
    serverVersion: facts.serverVersion,
    checks,
  };
}
