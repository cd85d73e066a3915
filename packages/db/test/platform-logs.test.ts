import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureLog, onSighup, prefixer } from '../../../scripts/lib/log';
import { supervise } from '../../../scripts/lib/supervise';

/** Waits for the file to hold `count` lines: an event, not a clock (the test times out otherwise). */
async function linesOf(file: string, count: number): Promise<string[]> {
  for (;;) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the platform log: PGVIGIL_LOG_FORMAT=json and SIGHUP', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-logs-'));
  });
  afterAll(async () => {
    configureLog({});
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the supervisor's and the apps' lines as one JSON object a line", async () => {
    const file = path.join(dir, 'json.log');
    configureLog({ format: 'json', file });
    prefixer('pgvigil', 3, true)('starting');
    const services = supervise(
      [
        {
          name: 'collector',
          command: process.execPath,
          args: [
            '-e',
            `console.log('probe cycle done');
             console.error('cannot reach db1');
             console.log(JSON.stringify({ level: 'warn', msg: 'lagging', fields: { seconds: 12 } }));
             setInterval(() => {}, 1000);`,
          ],
          env: {},
          cwd: dir,
        },
      ],
      true,
    );
    const lines = await linesOf(file, 4).finally(() => services.stop());
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const p of parsed) {
      expect(Object.keys(p)).toEqual(['time', 'level', 'app', 'msg', 'fields']);
      expect(new Date(p.time as string).toISOString()).toBe(p.time);
    }
    expect(parsed[0]).toMatchObject({ level: 'info', app: 'pgvigil', msg: 'starting', fields: {} });
    const app = parsed.slice(1).sort((a, b) => String(a.msg).localeCompare(String(b.msg)));
    expect(app).toMatchObject([
      { level: 'error', app: 'collector', msg: 'cannot reach db1', fields: {} },
      { level: 'warn', app: 'collector', msg: 'lagging', fields: { seconds: 12 } },
      { level: 'info', app: 'collector', msg: 'probe cycle done', fields: {} },
    ]);
    // no colour codes in a file
    expect(lines.join('')).not.toContain('\x1b[');
  });

  it('SIGHUP reopens the log file after a rotation moved it, and does not stop', async () => {
    const file = path.join(dir, 'pgvigil.log');
    configureLog({ format: 'text', file });
    const say = prefixer('pgvigil', 3, false);
    let stopped = false;
    const remove = onSighup({ terminal: false, stop: () => (stopped = true), log: say });
    try {
      say('before rotation');
      await rename(file, `${file}.1`);
      say('still into the moved file');
      process.kill(process.pid, 'SIGHUP');
      expect(await linesOf(file, 1)).toEqual([`[pgvigil] SIGHUP: reopened ${file}`]);
      say('after rotation');
      expect(await linesOf(file, 2)).toEqual([
        `[pgvigil] SIGHUP: reopened ${file}`,
        '[pgvigil] after rotation',
      ]);
      expect(await readFile(`${file}.1`, 'utf8')).toBe(
        '[pgvigil] before rotation\n[pgvigil] still into the moved file\n',
      );
      expect(stopped).toBe(false);
    } finally {
      remove();
    }
  });

  it('SIGHUP from a terminal that hung up (no log file) still stops pgvigil', async () => {
    configureLog({ format: 'text' });
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const remove = onSighup({ terminal: true, stop, log: () => undefined });
    try {
      process.kill(process.pid, 'SIGHUP');
      await stopped;
    } finally {
      remove();
    }
  });
});
