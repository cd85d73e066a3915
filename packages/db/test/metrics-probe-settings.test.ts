import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, NotFoundError, ValidationError } from '@pgvigil/db';
import {
  clearProbeSetting,
  listEffectiveProbeSettings,
  listProbeSettingRows,
  RETENTION_GLOBAL_ONLY,
  setProbeSetting,
  type ProbeDefaults,
} from '@pgvigil/db/metrics';
import { createCluster, createServer } from '@pgvigil/db/registry';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const box = createSecretBox(randomBytes(32));
const PROBES: ProbeDefaults[] = [
  { name: 'tables', intervalSeconds: 300, retentionDays: 30 },
  { name: 'wal', intervalSeconds: 60, retentionDays: 14 },
];
const at = new Date('2026-03-10T10:00:00Z');
const none = { enabled: null, intervalSeconds: null, retentionDays: null };

describe.each(testMajors())('probe settings on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let clusterId: number;
  let serverId: number;
  let loneServerId: number;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    clusterId = (await createCluster(ds.db, { name: 'orders' })).id;
    const server = (name: string, cluster: number | null) =>
      createServer(ds.db, box, { name, host: 'db.internal', username: 'u', clusterId: cluster });
    serverId = (await server('orders-1', clusterId)).id;
    loneServerId = (await server('lone', null)).id;
  });
  afterAll(() => ds.drop());

  const server = () => ({ scope: 'server' as const, scopeId: serverId });
  const cluster = () => ({ scope: 'cluster' as const, scopeId: clusterId });
  const global = { scope: 'global' as const, scopeId: null };
  const tablesAt = async (t: Parameters<typeof listEffectiveProbeSettings>[1]) =>
    (await listEffectiveProbeSettings(ds.db, t, PROBES)).find((p) => p.probe === 'tables')!;

  it('without overrides every value is the probe default', async () => {
    const list = await listEffectiveProbeSettings(ds.db, server(), PROBES);
    expect(list.map((p) => p.probe)).toEqual(['tables', 'wal']);
    expect(list[1]).toEqual({
      probe: 'wal',
      enabled: { value: true, source: 'default' },
      intervalSeconds: { value: 60, source: 'default' },
      retentionDays: { value: 14, source: 'default' },
      override: null,
    });
  });

  it('resolves server > cluster > global > default, field by field', async () => {
    await setProbeSetting(
      ds.db,
      'tables',
      global,
      { ...none, intervalSeconds: 600, retentionDays: 90 },
      at,
    );
    await setProbeSetting(
      ds.db,
      'tables',
      cluster(),
      { ...none, intervalSeconds: 120, enabled: false },
      at,
    );
    await setProbeSetting(ds.db, 'tables', server(), { ...none, intervalSeconds: 30 }, at);
    expect(await tablesAt(server())).toEqual({
      probe: 'tables',
      enabled: { value: false, source: 'cluster' },
      intervalSeconds: { value: 30, source: 'server' },
      retentionDays: { value: 90, source: 'global' },
      override: { enabled: null, intervalSeconds: 30, retentionDays: null },
    });
    expect((await tablesAt(cluster())).intervalSeconds).toEqual({ value: 120, source: 'cluster' });
    expect((await tablesAt(global)).intervalSeconds).toEqual({ value: 600, source: 'global' });
    // a server outside any cluster skips that level
    const lone = await tablesAt({ scope: 'server', scopeId: loneServerId });
    expect(lone.enabled).toEqual({ value: true, source: 'default' });
    expect(lone.intervalSeconds).toEqual({ value: 600, source: 'global' });

    // clearing falls back one level; the previous override is returned for the audit log
    expect(await clearProbeSetting(ds.db, 'tables', server())).toEqual({
      enabled: null,
      intervalSeconds: 30,
      retentionDays: null,
    });
    expect((await tablesAt(server())).intervalSeconds).toEqual({ value: 120, source: 'cluster' });
    expect(await clearProbeSetting(ds.db, 'tables', server())).toBeNull();
    // an all-null override is no row at all
    await setProbeSetting(ds.db, 'tables', cluster(), none, at);
    expect((await tablesAt(server())).intervalSeconds).toEqual({ value: 600, source: 'global' });
    expect((await tablesAt(cluster())).override).toBeNull();
  });

  it('replaces an override in place (one row per probe and scope)', async () => {
    await setProbeSetting(ds.db, 'wal', global, { ...none, enabled: false }, at);
    const prev = await setProbeSetting(ds.db, 'wal', global, { ...none, intervalSeconds: 15 }, at);
    expect(prev).toEqual({ enabled: false, intervalSeconds: null, retentionDays: null });
    const rows = (await listProbeSettingRows(ds.db)).filter((r) => r.probe === 'wal');
    expect(rows).toEqual([expect.objectContaining({ enabled: null, intervalSeconds: 15 })]);
  });

  it('refuses a retention below global scope with a message that says why', async () => {
    for (const t of [server(), cluster()]) {
      const err = await setProbeSetting(
        ds.db,
        'tables',
        t,
        { ...none, retentionDays: 5 },
        at,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toBe(RETENTION_GLOBAL_ONLY);
      expect((err as ValidationError).fields).toEqual({ retentionDays: RETENTION_GLOBAL_ONLY });
    }
  });

  it('answers 404 for an unknown cluster or server', async () => {
    await expect(
      listEffectiveProbeSettings(ds.db, { scope: 'server', scopeId: 999_999 }, PROBES),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      setProbeSetting(ds.db, 'tables', { scope: 'cluster', scopeId: 999_999 }, none, at),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      clearProbeSetting(ds.db, 'tables', { scope: 'server', scopeId: 999_999 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
