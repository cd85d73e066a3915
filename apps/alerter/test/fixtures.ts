import { createSecretBox, type Db } from '@pgvigil/db';
import { createChannel } from '@pgvigil/db/alerting';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { getProbe, loadProbeContext, runProbe } from '@pgvigil/probes';
import { CHANNEL_SECRET_CONTEXT, splitChannelConfig } from '../src/notify';
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

/**
 * The collector's part of a cycle, with the collector's own code: runs one probe
 * against the real monitored server and writes its rows stamped `at`.
 */
export async function collect(
  db: Db,
  serverId: number,
  monitoredUrl: string,
  probeName: string,
  at: Date,
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
    const result = await runProbe(client, probe, await loadProbeContext(client, version));
    if (result.status !== 'ok') throw new Error(`${probeName}: ${result.reason}`);
    const database =
      probe.scope === 'database' ? new URL(monitoredUrl).pathname.slice(1) : undefined;
    await writeSamples(db, [
      {
        spec: probe,
        samples: [
          { collectedAt: at, serverId, rows: result.rows, ...(database ? { database } : {}) },
        ],
      },
    ]);
    return result.rows;
  } finally {
    await client.end();
  }
}
