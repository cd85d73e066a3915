import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStartError, freePort, startEmbedded } from '@pgvigil/db/embedded';

describe('embedded PostgreSQL', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pgvigil-embedded-'));
    await chmod(root, 0o755);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps data across a stop and a start, with a password of awkward characters', async () => {
    const dataDir = path.join(root, 'keep');
    const password = 'p@ss [w]/o?r#d "\\ + &:%';
    const first = await startEmbedded({ dataDir, superuserPassword: password });
    const c1 = new pg.Client(first.url());
    await c1.connect();
    await c1.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    await c1.end();
    await first.stop();

    const second = await startEmbedded({ dataDir, superuserPassword: password });
    const c2 = new pg.Client(second.url());
    await c2.connect();
    const rows = await c2.query('SELECT v FROM kept');
    await c2.end();
    await second.stop();
    expect(rows.rows).toEqual([{ v: 'still here' }]);
  });

  it('fails with a clear error, not a crash, when the port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const attempt = startEmbedded({
        dataDir: path.join(root, 'busy'),
        superuserPassword: 'x',
        port,
        startTimeoutMs: 20_000,
      });
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedStartError);
      await expect(attempt).rejects.toMatchObject({
        log: expect.stringMatching(/could not (bind|create listen)/i),
      });
    } finally {
      blocker.close();
    }
  });

  it('refuses a data folder of another major', async () => {
    const dataDir = path.join(root, 'v18');
    const server = await startEmbedded({ dataDir, major: 18, superuserPassword: 'x' });
    await server.stop();
    await expect(startEmbedded({ dataDir, major: 14, superuserPassword: 'x' })).rejects.toThrow(
      /holds PostgreSQL 18 data, but this server is PostgreSQL 14/,
    );
  });
});
