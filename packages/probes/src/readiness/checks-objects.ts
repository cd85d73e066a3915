// Checks of what logical replication does not carry or changes: large objects,
// sequences, generated columns, triggers, DDL, extensions, column types.
import type { ReadinessFacts } from './facts';
import {
  list,
  literal,
  ok,
  plural,
  qname,
  ident,
  RECENT_DDL_DAYS,
  type Body,
  type ReadinessOptions,
} from './check-kit';

export function largeObjects(f: ReadinessFacts, o: ReadinessOptions): Body {
  if (f.largeObjects === 0) return ok('No large objects.');
  return {
    status: o.purpose === 'migration' ? 'blocker' : 'warning',
    detail: `${plural(f.largeObjects, 'large object')} (pg_largeobject): logical replication does not carry them; copy them separately (pg_dump --large-objects) or move them into bytea columns.`,
    objects: [{ name: 'pg_largeobject_metadata', count: f.largeObjects }],
  };
}

export function sequences(f: ReadinessFacts, o: ReadinessOptions): Body {
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

export function generatedIdentity(f: ReadinessFacts): Body {
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

export function triggers(f: ReadinessFacts): Body {
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

export function recentDdl(f: ReadinessFacts, o: ReadinessOptions): Body {
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

export function extensions(f: ReadinessFacts): Body {
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

export function columnTypes(f: ReadinessFacts): Body {
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
