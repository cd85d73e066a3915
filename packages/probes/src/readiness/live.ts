// The readiness report and the compare, live on monitored servers: one session each,
// opened by the collector's connection code (outbound policy, TLS, classified
// failures), read-only, with statement and lock timeouts; nothing is written.
import type { ReadinessPurpose } from '@pgvigil/schema';
import { closeSession, connectTarget } from '../connection/connect';
import type { ConnectionFailure } from '../connection/classify';
import type { ConnectionSettings } from '../connection/settings';
import type { ProbeClient } from '../run-probe';
import { assessReadiness, type ReadinessReport } from './checks';
import { compareSnapshots, type Comparison } from './compare';
import type { ReadinessFacts } from './facts';
import { gatherReadinessFacts } from './gather';
import { countRows, readSchemaSnapshot } from './schema-snapshot';
import { inReadOnly, READINESS_LIMITS } from './session';

const CONNECT_TIMEOUT_MS = 10_000;

export type Live<T> = { ok: true; value: T } | { ok: false; failure: ConnectionFailure };

/** One session to `settings`, handed to `fn` and always closed; a failed connect is a value. */
export async function withTargetSession<T>(
  settings: ConnectionSettings,
  session: { applicationName: string; longestStatementMs?: number },
  fn: (client: ProbeClient, serverVersion: number) => Promise<T>,
): Promise<Live<T>> {
  const longest = Math.max(READINESS_LIMITS.statementTimeoutMs, session.longestStatementMs ?? 0);
  const connected = await connectTarget(settings, {
    applicationName: session.applicationName,
    statementTimeoutMs: READINESS_LIMITS.statementTimeoutMs,
    timeoutMs: CONNECT_TIMEOUT_MS,
    // a peer gone silent fails the read instead of hanging it
    queryTimeoutMs: longest + 5_000,
  });
  if (!connected.ok) return connected;
  const { client, serverVersionNum } = connected.connection;
  let broken = false;
  try {
    return { ok: true, value: await fn(client, serverVersionNum) };
  } catch (err) {
    broken = !(typeof (err as { code?: unknown }).code === 'string');
    throw err;
  } finally {
    await closeSession(client, { broken });
  }
}

export interface ReadinessInput {
  purpose: ReadinessPurpose;
  replicationRole?: string;
  copyBytesPerSecond: number;
  /** schema changes pgvigil saw in this database, from its own history */
  recentDdl: ReadinessFacts['recentDdl'];
  at: Date;
}

/** The readiness report of the database `settings.dbname`. */
export function readReadiness(
  settings: ConnectionSettings,
  input: ReadinessInput,
): Promise<Live<ReadinessReport>> {
  return withTargetSession(
    settings,
    { applicationName: 'pgvigil readiness' },
    async (client, serverVersion) => {
      const facts = await inReadOnly(client, READINESS_LIMITS, () =>
        gatherReadinessFacts(client, {
          serverVersion,
          ...(input.replicationRole !== undefined
            ? { replicationRole: input.replicationRole }
            : {}),
        }),
      );
      return assessReadiness(
        { ...facts, recentDdl: input.recentDdl },
        { purpose: input.purpose, copyBytesPerSecond: input.copyBytesPerSecond, at: input.at },
      );
    },
  );
}

export interface CompareInput {
  /** count rows exactly, each table within `perTableMs` */
  exact?: { perTableMs: number; maxTables: number };
}

export interface LiveComparison extends Comparison {
  source: { serverVersion: number; database: string };
  target: { serverVersion: number; database: string };
}

/**
 * Source against target. Both sessions are open at once so that lag and sequence
 * values are read at nearly the same moment.
 */
export async function compareServers(
  source: ConnectionSettings,
  target: ConnectionSettings,
  input: CompareInput,
): Promise<Live<LiveComparison> & { side?: 'source' | 'target' }> {
  const read = (settings: ConnectionSettings) =>
    withTargetSession(
      settings,
      {
        applicationName: 'pgvigil compare',
        ...(input.exact ? { longestStatementMs: input.exact.perTableMs } : {}),
      },
      async (client, serverVersion) => {
        const snapshot = await inReadOnly(client, READINESS_LIMITS, () =>
          readSchemaSnapshot(client, serverVersion),
        );
        const counts = input.exact
          ? await countRows(
              client,
              snapshot.tables.slice(0, input.exact.maxTables).map((t) => t.name),
              input.exact.perTableMs,
            )
          : undefined;
        return { snapshot, counts };
      },
    );
  const [s, t] = await Promise.all([read(source), read(target)]);
  if (!s.ok) return { ...s, side: 'source' };
  if (!t.ok) return { ...t, side: 'target' };
  const comparison = compareSnapshots(
    s.value.snapshot,
    t.value.snapshot,
    s.value.counts && t.value.counts
      ? { source: s.value.counts, target: t.value.counts }
      : undefined,
  );
  const side = (x: typeof s.value) => ({
    serverVersion: x.snapshot.serverVersion,
    database: x.snapshot.database,
  });
  return {
    ok: true,
    value: { ...comparison, source: side(s.value), target: side(t.value) },
  };
}
