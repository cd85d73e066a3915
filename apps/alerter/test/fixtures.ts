import { createSecretBox, type Db } from '@pgvigil/db';
import { createChannel } from '@pgvigil/db/alerting';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import {
  connectionSettingsSchema,
  connectTarget,
  diffSnapshot,
  getProbe,
  type DeltaSnapshot,
  loadProbeContext,
  runProbe,
} from '@pgvigil/probes';
import { CHANNEL_SECRET_CONTEXT, splitChannelConfig } from '@pgvigil/alerting';
import type { ChannelType } from '@pgvigil/db';

export const box = createSecretBox(randomBytes(32));

export async function addChannel(
  db: Db,
  type: ChannelType,
  name: string,
  config: Record<string, unknown>,
  extra: {
    minSeverity?: 'info' | 'warning' | 'critical';
    filters?: { clusterIds?: number[] };
  } = {},
) {
  const split = splitChannelConfig(type, config);
  return createChannel(db, {
    name,
    type,
    config: split.config,
    secretEnc: Object.keys(split.secret).length
      ? box.seal(JSON.stringify(split.secret), CHANNEL_SECRET_CONTEXT)
      : null,
    ...extra,
  });
}

export async function addServer(db: Db, name: string, url: string): Promise<number> {
  const u = new URL(url);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO servers (name, host, port, dbname, username) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [name, u.hostname, Number(u.port), u.pathname.slice(1), decodeURIComponent(u.username)],
  );
  return row!.id;
}

/** Delta probes (statements): the previous snapshot per server, as the collector keeps it. */
const snapshots = new Map<string, DeltaSnapshot>();

/**
 * The collector's part of a cycle, with the collector's own code: runs one probe
 * against the real monitored server and writes its rows stamped `at`. `extensions`
 * are added to what pg_extension lists (stand-ins for extensions not packaged here).
 */
export async function collect(
  db: Db,
  serverId: number,
  monitoredUrl: string,
  probeName: string,
  at: Date,
  opts: {
    extensions?: Record<string, string>;
    /** what the collector adds to the rows before writing them (plan fingerprints) */
    annotate?: (rows: Record<string, unknown>[]) => Record<string, unknown>[];
  } = {},
) {
  const probe = getProbe(probeName);
  if (!probe) throw new Error(`no probe ${probeName}`);
  await ensureMetricTable(db, probe, at);
  const client = new pg.Client({ connectionString: monitoredUrl });
  await client.connect();
  try {
    const version = (
      await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)
    ).rows[0]!.v;
    const context = await loadProbeContext(client, version);
    // stand-ins for extensions not packaged here are plain SQL objects, not pg_extension rows
    const extensions = new Map([...context.extensions, ...Object.entries(opts.extensions ?? {})]);
    const result = await runProbe(client, probe, { ...context, extensions });
    if (result.status !== 'ok') throw new Error(`${probeName}: ${result.reason}`);
    let rows = result.rows;
    if (probe.mode === 'delta') {
      const key = `${serverId}:${probeName}`;
      const diff = diffSnapshot(probe, snapshots.get(key), rows, at);
      snapshots.set(key, diff.snapshot);
      rows = diff.rows;
    }
    if (opts.annotate) rows = opts.annotate(rows);
    const database =
      probe.scope === 'database' ? new URL(monitoredUrl).pathname.slice(1) : undefined;
    await writeSamples(db, [
      {
        spec: probe,
        samples: [{ collectedAt: at, serverId, rows, ...(database ? { database } : {}) }],
      },
    ]);
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * The collector's part of a cycle against a server it cannot reach: the real
 * connection attempt and classification, then the `connectivity` row the collector's
 * server worker writes on a failed connect (up = false, error_code).
 */
export async function collectUnreachable(db: Db, serverId: number, monitoredUrl: string, at: Date) {
  const u = new URL(monitoredUrl);
  const result = await connectTarget(
    connectionSettingsSchema.parse({
      host: u.hostname,
      port: Number(u.port),
      dbname: u.pathname.slice(1),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      sslmode: 'disable',
    }),
    { timeoutMs: 5_000 },
  );
  if (result.ok) {
    await result.connection.client.end();
    throw new Error('the server is reachable');
  }
  const probe = getProbe('connectivity')!;
  await ensureMetricTable(db, probe, at);
  await writeSamples(db, [
    {
      spec: probe,
      samples: [
        {
          collectedAt: at,
          serverId,
          rows: [{ up: false, rtt_ms: null, error_code: result.failure.code }],
        },
      ],
    },
  ]);
  return result.failure.code;
}

/**
 * Bounded polling of real state (a server, a process, a sink): waiting for it to
 * happen, never a clock assertion.
 */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  limitMs = 45_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One statement on a session of its own to `url`. */
export async function query<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
