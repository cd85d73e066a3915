import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@pgvigil/db';
import {
  createBlackout,
  createChannel,
  createCustomRule,
  createEscalationPolicy,
  createRoute,
  getChannelWithSecret,
  listChannels,
  listRules,
  setOverride,
  updateRule,
} from '@pgvigil/db/alerting';
import { setProbeSetting } from '@pgvigil/db/metrics';
import {
  createCluster,
  createServer,
  getServerConnection,
  listServers,
} from '@pgvigil/db/registry';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { syncCatalog } from '../src';
import { configCommand } from '../../../scripts/cli/config';
import type { PlatformEnv } from '../../../scripts/lib/env';

const major = testMajors()[0] ?? 14;
const PASSPHRASE = 'harbour-lantern-quiet-77';

describe(`pgvigil config export|import on PostgreSQL ${major}`, () => {
  let source: TestDatastore;
  let target: TestDatastore;
  let dir: string;
  const sourceKey = randomBytes(32);
  const targetKey = randomBytes(32);
  /** `pgvigil config ...` in this process (datastore-backup.test.ts spawns the CLI itself). */
  const run = async (
    ds: TestDatastore,
    key: Buffer,
    args: string[],
    passphrase?: string,
  ): Promise<{ code: number; out: string }> => {
    const [verb, file, ...flags] = args;
    const lines: string[] = [];
    try {
      await configCommand(
        {
          db: ds.db,
          env: {
            home: path.join(dir, 'home'),
            PGVIGIL_HOME: path.join(dir, 'home'),
            PORT: 3000,
            PGVIGIL_EXPORT_PASSPHRASE: passphrase,
          } as PlatformEnv,
          flags: Object.fromEntries(flags.map((f) => [f.replace(/^--/, ''), true])),
          secretBox: () => Promise.resolve(createSecretBox(key)),
          out: (line) => lines.push(line),
        },
        verb,
        file,
      );
      return { code: 0, out: lines.join('\n') };
    } catch (err) {
      return { code: 1, out: [...lines, String(err)].join('\n') };
    }
  };
  beforeAll(async () => {
    [source, target] = await Promise.all([freshDatastore(major), freshDatastore(major)]);
    dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-config-'));
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), target?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('moves the whole configuration to a fresh datastore; secrets only with the passphrase', async () => {
    const box = createSecretBox(sourceKey);
    const db = source.db;
    await syncCatalog(db);
    const core = await createCluster(db, { name: 'core', environment: 'production' });
    const orders = await createServer(db, box, {
      name: 'orders',
      host: 'db.internal',
      clusterId: core.id,
      username: 'monitor',
      password: 'server-password-1',
    });
    await createServer(db, box, {
      name: 'billing',
      host: '10.0.0.5',
      username: 'monitor',
      ssh: {
        host: 'bastion.internal',
        username: 'jump',
        privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n-----END OPENSSH PRIVATE KEY-----',
        passphrase: 'ssh-passphrase-1',
      },
    });
    const rules = await listRules(db);
    const connections = rules.find((r) => r.key === 'connections_used')!;
    await updateRule(db, { id: connections.id, warning: 61, forSeconds: 900 });
    await setOverride(db, {
      ruleId: connections.id,
      scopeType: 'server',
      scopeId: orders.id,
      critical: 97,
    });
    await createCustomRule(db, {
      key: 'custom.waiting',
      name: 'Waiting sessions',
      probe: 'activity_extremes',
      definition: {
        probe: 'activity_extremes',
        column: 'waiting_sessions',
        objectKeys: [],
        aggregation: 'latest',
        windowSeconds: 600,
        operator: '>',
        scope: { environments: [], clusterIds: [core.id], serverIds: [], databases: [] },
        message: '{{value}} waiting',
      },
      warning: 5,
      critical: 20,
      forSeconds: 120,
    });
    const ops = await createChannel(db, {
      name: 'ops',
      type: 'webhook',
      config: { urlHost: 'hooks.example' },
      secretEnc: box.seal(
        JSON.stringify({ url: 'https://hooks.example/secret' }),
        'channels.secret',
      ),
      filters: { clusterIds: [core.id] },
    });
    const policy = await createEscalationPolicy(db, {
      name: 'page twice',
      steps: [{ channelIds: [ops.id], waitMinutes: 15 }],
    });
    await createRoute(db, {
      name: 'core to ops',
      match: { clusterIds: [core.id], severities: ['critical'] },
      channelIds: [ops.id],
      escalationId: policy.id,
      groupWaitSeconds: 30,
      repeatIntervalSeconds: 600,
    });
    await createBlackout(db, {
      name: 'nightly vacuum',
      scopeType: 'cluster',
      scopeId: core.id,
      cron: '0 2 * * *',
      durationMinutes: 30,
    });
    await setProbeSetting(
      db,
      'tables',
      { scope: 'server', scopeId: orders.id },
      { enabled: null, intervalSeconds: 120, retentionDays: null },
      new Date(),
    );

    const file = path.join(dir, 'config.json');
    const exported = await run(source, sourceKey, ['export', file, '--with-secrets'], PASSPHRASE);
    expect(exported.out).toContain('secrets sealed to the passphrase');
    expect(exported.code).toBe(0);
    const text = await readFile(file, 'utf8');
    for (const secret of ['server-password-1', 'ssh-passphrase-1', 'hooks.example/secret', 'xyz'])
      expect(text).not.toContain(secret);

    // a wrong passphrase opens nothing and writes nothing
    const wrong = await run(target, targetKey, ['import', file], 'not-the-passphrase');
    expect(wrong.out).toMatch(/not imported, nothing changed:\n.*passphrase does not open/);
    expect(wrong.code).toBe(1);
    expect(await listServers(target.db)).toEqual([]);

    // --check says what would change, and writes nothing
    const check = await run(target, targetKey, ['import', file, '--check'], PASSPHRASE);
    expect(check.out).toContain('servers: create orders');
    expect(check.out).toContain('routes: create core to ops');
    expect(check.out).toContain('rules: update connections_used');
    expect(check.out).toContain('nothing was written');
    expect(check.code).toBe(0);
    expect(await listServers(target.db)).toEqual([]);

    const imported = await run(target, targetKey, ['import', file], PASSPHRASE);
    expect(imported.out).toContain('secrets: 2 servers, 1 channels');
    expect(imported.code).toBe(0);

    // everything reads back equal (ids differ; names do not)
    const back = path.join(dir, 'back.json');
    const again = await run(target, targetKey, ['export', back]);
    expect(again.code).toBe(0);
    const strip = (doc: Record<string, unknown>) => ({ ...doc, exportedAt: null, secrets: null });
    const first = JSON.parse(text) as Record<string, unknown>;
    expect(strip(JSON.parse(await readFile(back, 'utf8')) as Record<string, unknown>)).toEqual(
      strip(first),
    );
    expect(first.routes).toEqual([
      expect.objectContaining({
        name: 'core to ops',
        groupWaitSeconds: 30,
        groupIntervalSeconds: null,
        repeatIntervalSeconds: 600,
      }),
    ]);
    expect((first.rules as { key: string }[]).some((r) => r.key === 'custom.waiting')).toBe(true);

    // the secrets work under the target's own key
    const targetBox = createSecretBox(targetKey);
    const [billing, newOrders] = await listServers(target.db);
    expect((await getServerConnection(target.db, targetBox, newOrders!.id)).password).toBe(
      'server-password-1',
    );
    const viaSsh = await getServerConnection(target.db, targetBox, billing!.id);
    expect(viaSsh.ssh).toMatchObject({ passphrase: 'ssh-passphrase-1' });
    const [channel] = await listChannels(target.db);
    const sealed = (await getChannelWithSecret(target.db, channel!.id)).secret_enc!;
    expect(JSON.parse(targetBox.open(sealed, 'channels.secret'))).toEqual({
      url: 'https://hooks.example/secret',
    });

    // importing again changes nothing
    const twice = await run(target, targetKey, ['import', file, '--without-secrets']);
    expect(twice.out).toContain('imported: 0 changes');
    expect(twice.out).toContain('stored ones kept');
    expect((await getServerConnection(target.db, targetBox, newOrders!.id)).password).toBe(
      'server-password-1',
    );
  });

  it('refuses a bad file naming the path, and loses nothing', async () => {
    const file = path.join(dir, 'bad.json');
    const exported = await run(source, sourceKey, ['export', file]);
    expect(exported.code).toBe(0);
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      servers: { port: unknown }[];
      routes: { channels: string[] }[];
    };
    doc.servers[1]!.port = 'five';
    await writeFile(file, JSON.stringify(doc));
    const shape = await run(target, targetKey, ['import', file]);
    expect(shape.out).toMatch(/servers\[1\]\.port: /);
    expect(shape.code).toBe(1);

    // valid shape, but a route to a channel nobody has: the earlier sections roll back too
    doc.servers[1]!.port = 5432;
    (doc.servers[1] as { description?: string }).description = 'changed by a bad import';
    doc.routes[0]!.channels = ['nobody'];
    await writeFile(file, JSON.stringify(doc));
    const reference = await run(target, targetKey, ['import', file]);
    expect(reference.out).toContain('routes[0].channels[0]: no channel named "nobody"');
    expect(reference.code).toBe(1);
    const descriptions = (await listServers(target.db)).map((s) => s.description);
    expect(descriptions).not.toContain('changed by a bad import');
  });
});
