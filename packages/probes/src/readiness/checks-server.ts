// Checks of the server as a whole: settings, headroom, roles, slots already there.
import { formatBytes, type ReadinessStatus } from '@pgvigil/schema';
import type { ReadinessFacts } from './facts';
import {
  list,
  literal,
  ok,
  plural,
  ident,
  SLOT_LAG_BYTES,
  SYNC_HEADROOM,
  type Body,
} from './check-kit';

export function serverSettings(f: ReadinessFacts): Body {
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

export function headroom(f: ReadinessFacts): Body {
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

export function monitoringRole(f: ReadinessFacts): Body {
  const r = f.currentRole;
  if (r.superuser || r.monitor)
    return ok(
      `pgvigil reads as ${r.name}${r.superuser ? ' (superuser)' : ', a member of pg_monitor'}; sequence values show only where it may read the sequence.`,
    );
  return {
    status: 'warning',
    detail: `pgvigil reads as ${r.name}, which is not in pg_monitor: slot and sender figures may be incomplete.`,
    fix: `GRANT pg_monitor TO ${ident(r.name)};`,
  };
}

export function replicationRole(f: ReadinessFacts): Body {
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

export function existingSlots(f: ReadinessFacts): Body {
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
