import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyStartFailure,
  decideAfterFailure,
  DEFAULT_RESTART_POLICY,
  freePort,
  keepEmbedded,
  restartDelayMs,
  type DatastoreKeeper,
  type KeeperStatus,
} from '@pgvigil/db/embedded';

async function until<T>(what: string, check: () => T | undefined | null | false, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readValue(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>('SELECT v FROM kept')).rows[0]!.v;
  } finally {
    await c.end();
  }
}

/**
 * The keeper of the embedded datastore against a real PostgreSQL: kill -9 of the
 * postmaster (what the OOM killer does) is healed with the data intact; a port taken
 * meanwhile is waited out; a damaged data folder ends the attempts, saying what to do.
 */
describe('the embedded datastore keeper', () => {
  let root: string;
  let keeper: DatastoreKeeper;
  const lines: string[] = [];
  const states: KeeperStatus[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pgvigil-keeper-'));
    await chmod(root, 0o755);
    keeper = await keepEmbedded({
      dataDir: path.join(root, 'pgdata'),
      superuserPassword: 'keeper',
      port: await freePort(),
      log: (line) => lines.push(line),
      onStatus: (s) => states.push(s),
      // each kill below is a new outage, as if the server had run long enough in between
      policy: { stableAfterMs: 0 },
    });
    const c = new pg.Client({ connectionString: keeper.url() });
    await c.connect();
    await c.query(
      `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed before the kill')`,
    );
    await c.end();
  });
  afterAll(async () => {
    await keeper?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('restarts PostgreSQL killed with -9, on the same port, with its committed data', async () => {
    const before = keeper.server;
    process.kill(before.pid, 'SIGKILL');
    await until('the restart', () => keeper.status.restarts === 1 && keeper.status.state === 'up');
    expect(keeper.server.port).toBe(before.port);
    expect(keeper.server.pid).not.toBe(before.pid);
    expect(await readValue(keeper.url())).toBe('committed before the kill');
    expect(lines.join('\n')).toMatch(
      /the datastore exited unexpectedly \(killed by SIGKILL\); restarting it in 1 s \(attempt 1\)/,
    );
    expect(lines.join('\n')).toMatch(/the datastore is back after [\d.]+ s \(restart attempt 1;/);
    expect(states.some((s) => s.state === 'restarting' && s.downSince && s.attempt === 1)).toBe(
      true,
    );
  });

  it('waits out a port taken meanwhile, backing off, and comes back when it is free', async () => {
    const before = keeper.server;
    process.kill(before.pid, 'SIGKILL');
    await before.exited;
    // the keeper waits a second before its first try: take the port in that second
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(before.port, '127.0.0.1', resolve));
    try {
      await until('a failed attempt', () => keeper.status.lastError);
      expect(keeper.status.state).toBe('restarting');
      expect(keeper.status.attempt).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await until('the restart', () => keeper.status.restarts === 2 && keeper.status.state === 'up');
    expect(await readValue(keeper.url())).toBe('committed before the kill');
    expect(lines.join('\n')).toMatch(
      /the datastore did not start \(attempt \d: .*(Address already in use|could not create).*\); restarting it in \d+ s \(attempt \d\)/,
    );
  });

  it('gives up on a damaged data folder and says what to do', async () => {
    const before = keeper.server;
    // PostgreSQL rereads pg_control only when it starts: spoil it, then kill
    const control = await open(path.join(root, 'pgdata', 'global', 'pg_control'), 'r+');
    await control.write(Buffer.alloc(64, 0xff), 0, 64, 16);
    await control.close();
    process.kill(before.pid, 'SIGKILL');
    await until('giving up', () => keeper.status.state === 'gave_up');
    expect(keeper.status.advice).toMatch(/is damaged .* restore the latest backup/);
    expect(lines.join('\n')).toMatch(/GIVING UP: .* The data folder: .*pgdata/);
    expect(lines.join('\n')).toMatch(/GIVING UP: .*incorrect checksum in control file/);
  });
});

describe('restart policy', () => {
  const policy = DEFAULT_RESTART_POLICY;
  it('backs off from 1 s, doubling, to at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => restartDelayMs(n, policy))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
  it('classifies start-up failures by the server log', () => {
    const cases: [string, string][] = [
      ['PANIC:  could not locate a valid checkpoint record', 'damaged'],
      ['FATAL:  incorrect checksum in control file', 'damaged'],
      [
        'FATAL:  pre-existing shared memory block (key 1, ID 2) is still in use\nHINT: Terminate any old server processes',
        'busy',
      ],
      ['LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', 'busy'],
      ['PANIC:  could not write to file "pg_wal/xlogtemp.1": No space left on device', 'disk_full'],
      ['FATAL:  data directory "/x" has invalid permissions', 'other'],
      // the end of the log during a normal recovery is no damage
      ['LOG:  invalid record length at 0/1A2B3C: expected at least 24, got 0', 'other'],
    ];
    for (const [log, kind] of cases) expect(classifyStartFailure(log).kind, log).toBe(kind);
  });
  it('gives up at once on damage, never on a busy port or a full disk, else after the limit', () => {
    const damaged = { kind: 'damaged' as const, line: 'x' };
    expect(decideAfterFailure(damaged, 0, 1, policy).action).toBe('give_up');
    const busy = { kind: 'busy' as const, line: 'x' };
    expect(decideAfterFailure(busy, 50, 60, policy)).toEqual({
      action: 'retry',
      delayMs: 30_000,
      counted: false,
    });
    const other = { kind: 'other' as const, line: 'x' };
    expect(decideAfterFailure(other, 8, 9, policy).action).toBe('retry');
    expect(decideAfterFailure(other, 9, 10, policy).action).toBe('give_up');
  });
});
