import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createSecretBox, type Db } from '@pgvigil/db';
import { createChannel, enqueueNotifications } from '@pgvigil/db/alerting';
import type { Sample } from '@pgvigil/db/metrics';
import { CHANNEL_SECRET_CONTEXT } from '@pgvigil/alerting';
import { startHttpSink } from '@pgvigil/alerting/testing';
import type { Collector } from '../src/collector';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** A webhook receiver on loopback that answers slowly, so deliveries are in flight. */
export async function slowSink(delayMs: number) {
  const sink = await startHttpSink({ delayMs });
  const keys = () => sink.requests.map((r) => String(r.headers['idempotency-key']));
  return {
    url: `${sink.url}/hook`,
    keys,
    /** keys that arrived more than once, one entry per extra arrival */
    twice: () => keys().filter((k, i, all) => all.indexOf(k) !== i),
    close: sink.close,
  };
}

/** The real alerter as its own process, delivering the outbox of `url`. */
export function startAlerter(
  url: string,
  key: string,
  home: string,
  extra: Record<string, string> = {},
) {
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/alerter/src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: key,
        ALERTER_INTERVAL_SECONDS: '3600',
        ALERTER_DELIVERY_LEASE_SECONDS: '3',
        ALERTER_DELIVERY_BATCH: '4',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A webhook channel to `hookUrl` and `count` messages queued for it, sealed with `key`. */
export async function queueMessages(
  db: Db,
  key: string,
  hookUrl: string,
  prefix: string,
  count: number,
): Promise<void> {
  const box = createSecretBox(Buffer.from(key, 'hex'));
  const channel = await createChannel(db, {
    name: prefix,
    type: 'webhook',
    config: {},
    secretEnc: box.seal(JSON.stringify({ url: hookUrl }), CHANNEL_SECRET_CONTEXT),
  });
  const at = new Date();
  await enqueueNotifications(
    db,
    Array.from({ length: count }, (_, i) => ({
      channelId: channel.id,
      dedupeKey: `${prefix}:${i}`,
      kind: 'firing' as const,
      alertId: null,
      alertEventId: null,
      payload: {
        kind: 'firing',
        title: `${prefix} ${i}`,
        severity: 'warning',
        rule: null,
        server: null,
        items: [],
        link: 'http://127.0.0.1/alerts',
        at: at.toISOString(),
      },
      at,
    })),
  );
}

export const newKey = () => randomBytes(32).toString('hex');

/**
 * Every connectivity sample the collector took, as its workers handed it over:
 * what the datastore must end up holding, once each.
 */
export function recordTaken(collector: Collector): Set<number> {
  const taken = new Set<number>();
  const add = collector.buffer.add.bind(collector.buffer);
  collector.buffer.add = (spec: Parameters<typeof add>[0], sample: Sample) => {
    if (spec.name === 'connectivity') taken.add(sample.collectedAt.getTime());
    add(spec, sample);
  };
  return taken;
}
