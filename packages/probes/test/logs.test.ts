import { truncate } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, TEST_PASSWORD, type TestCluster } from '@pgvigil/db/testing';
import {
  autoExplainPlans,
  checkPrerequisites,
  collectLogEvents,
  logEventRows,
  decideLogAccess,
  logAccess,
  parseLog,
  readLog,
  redactLogText,
  stderrLinePattern,
  type LogAccessFacts,
  type LogCursor,
  type LogRecord,
} from '../src/index';

/** Log insights against a real PostgreSQL 18 writing csvlog, then jsonlog, to files. */
describe('server log reader on PostgreSQL 18', () => {
  let cluster: TestCluster;
  let url: string;
  let admin: pg.Client;
  const now = new Date();

  beforeAll(async () => {
    cluster = await startTestServers([18], {
      logging_collector: 'on',
      // both at once: each test reads the format it is about (settings given at start win over ALTER SYSTEM)
      log_destination: 'csvlog,jsonlog',
      log_timezone: 'UTC',
      lc_messages: 'C',
    });
    url = cluster.servers.get(18)!.url('postgres');
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  });

  let format: 'csvlog' | 'jsonlog' = 'csvlog';
  const access = async () => {
    const a = await logAccess(admin);
    if (!a.ok) throw new Error(a.reason);
    return { ...a, format };
  };

  /** Reads until `done` holds for what was read since `from` (the logger writes asynchronously). */
  async function readUntil(
    from: LogCursor | null,
    done: (records: LogRecord[]) => boolean,
    maxBytes?: number,
  ): Promise<{ records: LogRecord[]; cursor: LogCursor | null; notes: string[] }> {
    const a = await access();
    const records: LogRecord[] = [];
    const notes: string[] = [];
    let cursor = from;
    for (let i = 0; i < 100; i++) {
      const r = await readLog(admin, a, cursor, { now, ...(maxBytes ? { maxBytes } : {}) });
      records.push(...r.records);
      notes.push(...r.notes);
      cursor = r.cursor;
      if (done(records)) return { records, cursor, notes };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`log never showed it; read ${records.map((r) => r.message).join(' | ')}`);
  }

  const wrongPassword = async () => {
    const c = new pg.Client({ connectionString: url.replace(TEST_PASSWORD, 'wrong') });
    await expect(c.connect()).rejects.toMatchObject({ code: '28P01' });
  };
  const marker = (r: LogRecord, m: string) => (r.statement ?? '').includes(m);

  it('reads csvlog incrementally: counts, samples with multi-line statements, secrets redacted', async () => {
    expect((await access()).format).toBe('csvlog');
    const start = (await readLog(admin, await access(), null, { now })).cursor;
    await wrongPassword();
    await expect(admin.query(`SELECT 1/0 AS "line one\n, ""two"""`)).rejects.toThrow();
    await expect(
      admin.query(`CREATE ROLE postgres PASSWORD 'hunter2' /* csv-secret */`),
    ).rejects.toMatchObject({ code: '42710' });
    const got = await readUntil(start, (rs) => rs.some((r) => marker(r, 'csv-secret')));
    const auth = got.records.find((r) => r.sqlstate === '28P01')!;
    expect(auth.severity).toBe('FATAL');
    expect(auth.user).toBe('postgres');
    const div = got.records.find((r) => r.sqlstate === '22012')!;
    expect(div.statement).toContain('line one\n, ""two""');
    expect(div.database).toBe('postgres');

    const rows = logEventRows(got.records);
    const row = (cls: string) => rows.find((r) => r.sqlstate_class === cls)!;
    expect(row('28')).toMatchObject({ severity: 'FATAL', kind: 'auth_failure', events: 1 });
    expect(row('22')).toMatchObject({ severity: 'ERROR', datname: 'postgres', events: 1 });
    expect(JSON.stringify(rows)).not.toContain('hunter2');
    expect(JSON.stringify(row('42').samples)).toContain(`PASSWORD '[redacted]'`);

    // never a byte twice: from the cursor the reader stopped at, nothing old comes back
    const again = await readLog(admin, await access(), got.cursor, { now });
    expect(again.records.filter((r) => r.sqlstate === '22012' || r.sqlstate === '28P01')).toEqual(
      [],
    );
  });

  it('reads within a byte budget and keeps the offset at the last complete record', async () => {
    const start = (await readLog(admin, await access(), null, { now })).cursor;
    for (let i = 0; i < 5; i++)
      await expect(admin.query(`SELECT 1/0 /* budget-${i} */`)).rejects.toThrow();
    // 700 bytes hold about one record: five runs or more, each record exactly once
    const got = await readUntil(start, (rs) => rs.some((r) => marker(r, 'budget-4')), 700);
    const budget = got.records.filter((r) => /budget-\d/.test(r.statement ?? ''));
    expect(budget.map((r) => /budget-(\d)/.exec(r.statement!)![1])).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
  });

  it('follows a rotation to the new file and reads a truncated file from its start', async () => {
    const a = await access();
    let cursor = (await readLog(admin, a, null, { now })).cursor!;
    let rotated = cursor;
    // a rotation within the same second of the file's name reopens the same name: rotate
    // until a new file takes the records (the reader is what tells)
    for (let i = 0; i < 100 && rotated.file === cursor.file; i++) {
      await admin.query('SELECT pg_rotate_logfile()');
      await expect(admin.query(`SELECT 1/0 /* rotated */`)).rejects.toThrow();
      const r = await readUntil(rotated, (rs) => rs.some((x) => marker(x, 'rotated')));
      rotated = r.cursor!;
    }
    expect(rotated.file).not.toBe(cursor.file);
    cursor = rotated;
    // the file holds more than what is logged after its truncation: the reader can tell
    await expect(admin.query(`SELECT 1/0 /* ${'x'.repeat(4000)} long */`)).rejects.toThrow();
    cursor = (await readUntil(cursor, (rs) => rs.some((r) => marker(r, 'long')))).cursor!;

    await truncate(path.join(cluster.root, 'pg18', a.directory, cursor.file), 0);
    await expect(admin.query(`SELECT 1/0 /* after-truncate */`)).rejects.toThrow();
    const got = await readUntil(cursor, (rs) => rs.some((r) => marker(r, 'after-truncate')));
    expect(got.notes.join()).toContain('truncated');
  });

  it('reads jsonlog, preferred when the server writes both', async () => {
    expect(await logAccess(admin)).toMatchObject({ ok: true, format: 'jsonlog' });
    format = 'jsonlog';
    const start = (await readLog(admin, await access(), null, { now })).cursor;
    await wrongPassword();
    await expect(admin.query(`SELECT 1/0 /* json-marker */`)).rejects.toThrow();
    const got = await readUntil(start, (rs) => rs.some((r) => marker(r, 'json-marker')));
    expect(got.records.find((r) => r.sqlstate === '28P01')?.severity).toBe('FATAL');
    expect(got.records.find((r) => marker(r, 'json-marker'))).toMatchObject({
      severity: 'ERROR',
      sqlstate: '22012',
      database: 'postgres',
    });
  });

  it('says which GRANT a pg_monitor role lacks, and reads with an explicit GRANT EXECUTE', async () => {
    await admin.query(`DROP ROLE IF EXISTS log_watcher`);
    await admin.query(`CREATE ROLE log_watcher LOGIN PASSWORD 'w' IN ROLE pg_monitor`);
    const watcher = new pg.Client({
      connectionString: url.replace(/\/\/[^@]*@/, '//log_watcher:w@'),
    });
    await watcher.connect();
    try {
      const refused = await collectLogEvents(watcher, null, { now });
      expect(refused.status).toBe('unavailable');
      const checks = await checkPrerequisites(watcher, 180000, 'postgres');
      expect(checks.find((c) => c.key === 'server_log_readable')).toMatchObject({
        status: 'warning',
        fix: expect.stringContaining('GRANT pg_read_server_files TO "log_watcher"') as unknown,
      });
      expect(refused.status === 'unavailable' && refused.reason).toContain(
        'GRANT pg_read_server_files TO "log_watcher"',
      );
      await admin.query(
        `GRANT EXECUTE ON FUNCTION pg_read_binary_file(text,bigint,bigint,boolean) TO log_watcher`,
      );
      const start = await collectLogEvents(watcher, null, { now });
      expect(start.status).toBe('ok');
      expect(
        (await checkPrerequisites(watcher, 180000, 'postgres')).find(
          (c) => c.key === 'server_log_readable',
        ),
      ).toMatchObject({ status: 'ok', detail: 'jsonlog files in log' });
      await expect(watcher.query(`SELECT 1/0 /* watcher */`)).rejects.toThrow();
      const cursor = start.status === 'ok' ? start.cursor : null;
      let seen = false;
      for (let i = 0; i < 100 && !seen; i++) {
        const r = await collectLogEvents(watcher, cursor, { now });
        seen = r.status === 'ok' && r.records.some((x) => marker(x, 'watcher'));
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen).toBe(true);
    } finally {
      await watcher.end();
    }
  });
});

describe('server log parsing', () => {
  const now = new Date('2026-12-07T01:00:00Z');
  const line = (sqlstate: string, message: string) =>
    `2026-12-07 01:02:03.456 UTC,"bob","shop",42,"[local]",abc.1,1,"SELECT",2026-12-07 01:00:00 UTC,3/4,0,ERROR,${sqlstate},"${message}",,,,,,"SELECT 1",,,"psql","client backend",,0\n`;

  it('stops before a csv record cut inside a quoted multi-line field', () => {
    const whole = Buffer.from(line('22012', 'division by zero') + line('42601', 'syntax\nerror'));
    const cut = whole.subarray(0, whole.length - 40);
    const parsed = parseLog('csvlog', cut, now);
    expect(parsed.records.map((r) => r.sqlstate)).toEqual(['22012']);
    expect(parsed.consumed).toBe(Buffer.byteLength(line('22012', 'division by zero')));
    expect(parseLog('csvlog', whole, now).records[1]!.message).toBe('syntax\nerror');
    expect(parsed.records[0]!.at.toISOString()).toBe('2026-12-07T01:02:03.456Z');
  });

  it('reads a stderr log whose prefix carries time, database and SQLSTATE', () => {
    const text =
      '2026-12-07 01:02:03.456 UTC [77] bob@shop 22012 ERROR:  division by zero\n' +
      '2026-12-07 01:02:03.456 UTC [77] bob@shop 22012 STATEMENT:  SELECT 1/0\n' +
      '2026-12-07 01:02:04.000 UTC [12] LOG:  checkpoints are occurring too frequently (2 seconds apart)\n' +
      '2026-12-07 01:02:05.000 UTC [12] 00000 LOG:  partial';
    const parsed = parseLog('stderr', Buffer.from(text), now, '%m [%p] %q%u@%d %e ');
    expect(parsed.records.map((r) => [r.severity, r.sqlstate, r.database, r.statement])).toEqual([
      ['ERROR', '22012', 'shop', 'SELECT 1/0'],
      ['LOG', null, null, null],
    ]);
    expect(stderrLinePattern('%m %d %e ').test('x')).toBe(false);
  });

  it('takes an auto_explain plan with its 64-bit query id from the text, and skips one without', () => {
    const plan = (id: string) =>
      `{"timestamp":"2026-12-07 01:02:03.456 UTC","dbname":"shop","error_severity":"LOG","message":"duration: 61.5 ms  plan:\\n{\\"Query Text\\": \\"SELECT 1\\", \\"Plan\\": {\\"Node Type\\": \\"Result\\"}}","query_id":${id}}\n`;
    const parsed = parseLog('jsonlog', Buffer.from(plan('-7964155720316386306') + plan('0')), now);
    const { plans, skipped } = autoExplainPlans(parsed.records);
    expect(plans).toEqual([
      expect.objectContaining({
        queryid: '-7964155720316386306',
        database: 'shop',
        plan: { 'Node Type': 'Result', 'Execution Time': 61.5 },
      }),
    ]);
    expect(skipped).toBe(1);
  });

  it('redacts role passwords and connection-string passwords', () => {
    expect(redactLogText(`ALTER ROLE app ENCRYPTED PASSWORD 'it''s secret' VALID UNTIL 'x'`)).toBe(
      `ALTER ROLE app ENCRYPTED PASSWORD '[redacted]' VALID UNTIL 'x'`,
    );
    expect(redactLogText(`create role r password $pw$s3cret$pw$ login`)).toBe(
      `create role r password '[redacted]' login`,
    );
    expect(
      redactLogText(`could not connect: "host=db user=rep password=s3cret dbname=x" failed`),
    ).toBe(`could not connect: "host=db user=rep password=[redacted] dbname=x" failed`);
    expect(redactLogText(`CREATE SUBSCRIPTION s CONNECTION 'postgresql://rep:s3cret@db/x'`)).toBe(
      `CREATE SUBSCRIPTION s CONNECTION 'postgresql://rep:[redacted]@db/x'`,
    );
  });

  it('names the setting or GRANT that is missing, and jsonlog only from 15', () => {
    const facts: LogAccessFacts = {
      role: 'mon',
      version: 140000,
      can_list: true,
      can_read: true,
      logging_collector: 'on',
      log_destination: 'jsonlog',
      log_directory: 'log',
      log_line_prefix: '%m [%p] ',
    };
    const on14 = decideLogAccess(facts);
    expect(on14.ok).toBe(false);
    expect(!on14.ok && on14.fix).toContain(`'csvlog' (jsonlog needs 15+)`);
    expect(decideLogAccess({ ...facts, log_destination: 'stderr' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('lacks %d, %e') as unknown,
    });
    expect(decideLogAccess({ ...facts, logging_collector: 'off' })).toMatchObject({
      fix: expect.stringContaining('logging_collector = on') as unknown,
    });
    expect(decideLogAccess({ ...facts, can_list: false })).toMatchObject({
      fix: 'GRANT pg_monitor TO "mon";',
    });
    expect(decideLogAccess({ ...facts, version: 150000 })).toMatchObject({ format: 'jsonlog' });
  });
});
