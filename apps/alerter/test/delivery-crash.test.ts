import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@pgvigil/db';
import { createChannel, enqueueNotifications } from '@pgvigil/db/alerting';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { CHANNEL_SECRET_CONTEXT } from '@pgvigil/alerting';
import { startHttpSink } from '@pgvigil/alerting/testing';
import { until } from './fixtures';

const major = testMajors()[0]!;
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const MESSAGES = 40;

/**
 * The real alerter process delivers an outbox to a slow HTTP sink; it is killed
 * with SIGKILL mid-delivery and started again. Every message must arrive; a
 * redelivery of a message that was in flight at the kill carries the same
 * Idempotency-Key, so the receiver sees each message once.
 */
describe(`outbox delivery survives kill -9 (PostgreSQL ${major})`, () => {
  let ds: TestDatastore;
  let home: string;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  const key = randomBytes(32).toString('hex');
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    home = await mkdtemp(path.join(tmpdir(), 'pgvigil-alerter-'));
    sink = await startHttpSink({ delayMs: 200 });
    const box = createSecretBox(Buffer.from(key, 'hex'));
    const channel = await createChannel(ds.db, {
      name: 'sink',
      type: 'webhook',
      config: {},
      secretEnc: box.seal(JSON.stringify({ url: `${sink.url}/in` }), CHANNEL_SECRET_CONTEXT),
    });
    const at = new Date(Date.now() - 60_000);
    await enqueueNotifications(
      ds.db,
      Array.from({ length: MESSAGES }, (_, i) => ({
        channelId: channel.id,
        dedupeKey: `crash-test:${i}`,
        kind: 'firing' as const,
        alertId: null,
        alertEventId: null,
        payload: {
          kind: 'firing',
          title: `message ${i}`,
          severity: 'warning',
          rule: null,
          server: null,
          items: [],
          link: 'http://x/alerts',
          at: at.toISOString(),
        },
        at,
      })),
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sink?.close();
    await ds?.drop();
    await rm(home, { recursive: true, force: true });
  });

  const start = () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/alerter/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: ds.url,
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: key,
        ALERTER_INTERVAL_SECONDS: '3600',
        ALERTER_DELIVERY_LEASE_SECONDS: '2',
        ALERTER_DELIVERY_BATCH: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.resume();
    proc.stderr?.resume();
    return proc;
  };
  const statuses = async () =>
    ds.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM notification_outbox GROUP BY status`,
    );

  it('delivers every message after a SIGKILL, each key accepted once', async () => {
    child = start();
    await until('the first deliveries', () => sink.requests.length >= 5);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = sink.requests.length;
    const inFlight = (await statuses()).find((s) => s.status === 'sending')?.n ?? 0;
    expect(atKill).toBeLessThan(MESSAGES);

    child = start();
    await until('every message sent', async () =>
      (await statuses()).every((s) => s.status === 'sent'),
    );
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));

    const keys = sink.requests.map((r) => String(r.headers['idempotency-key']));
    const distinct = new Set(keys);
    expect([...distinct].sort()).toEqual(
      Array.from({ length: MESSAGES }, (_, i) => `crash-test:${i}`).sort(),
    );
    // at least once: only what was in flight when the process died may arrive twice
    expect(keys.length - distinct.size).toBeLessThanOrEqual(inFlight);
    const rows = await ds.db.query<{ attempts: number }>(
      `SELECT attempts FROM notification_outbox`,
    );
    expect(rows.every((r) => r.attempts >= 1 && r.attempts <= 2)).toBe(true);
  });
});
