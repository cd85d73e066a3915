import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { serverUrl, TEST_PASSWORD, TEST_SERVER_SETTINGS, testMajors } from '@pgvigil/db/testing';
import {
  connectionSettingsSchema,
  connectTarget,
  testConnection,
  type ConnectionSettingsInput,
} from '@pgvigil/probes';

/**
 * One real server per failure class: a dedicated PostgreSQL with its own
 * pg_hba.conf, SSL certificates from a throwaway CA, and roles set up to fail.
 */
const PASSWORD = 'Mon1tor-pass@[x]/?#"\\+ &:%';
const major = testMajors()[testMajors().length - 1] ?? 18;

function openssl(cwd: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

async function makeCertificates(dir: string) {
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  for (const ca of ['ca', 'otherca']) {
    openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
      ...subj(`pgvigil test ${ca}`),
    );
  }
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    ...subj('db.pgvigil.test'),
  );
  await writeFile(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:db.pgvigil.test\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.crt',
  );
}

describe(`connection failures classified on PostgreSQL ${major}`, () => {
  let root: string;
  let server: EmbeddedServer;
  let ca: string;
  let otherCa: string;
  const base = (over: Partial<ConnectionSettingsInput> = {}) =>
    connectionSettingsSchema.parse({
      host: '127.0.0.1',
      port: server.port,
      dbname: 'postgres',
      user: 'pgv_mon',
      password: PASSWORD,
      sslmode: 'disable',
      ...over,
    });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pgvigil-conn-'));
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'data');
    server = await startEmbedded({
      dataDir,
      major,
      superuserPassword: TEST_PASSWORD,
      settings: TEST_SERVER_SETTINGS,
    });
    const owner = await stat(dataDir);
    await makeCertificates(root);
    for (const file of ['server.crt', 'server.key']) {
      const target = path.join(dataDir, file);
      await writeFile(target, await readFile(path.join(root, file)), { mode: 0o600 });
      await chown(target, owner.uid, owner.gid);
    }
    ca = await readFile(path.join(root, 'ca.crt'), 'utf8');
    otherCa = await readFile(path.join(root, 'otherca.crt'), 'utf8');
    // The first matching line wins: each role below meets exactly one rule.
    await writeFile(
      path.join(dataDir, 'pg_hba.conf'),
      [
        'host    all postgres,pgv_mon,pgv_limited,pgv_plain 127.0.0.1/32 scram-sha-256',
        'hostssl all pgv_sslonly 127.0.0.1/32 scram-sha-256',
        'host    all pgv_ghost 127.0.0.1/32 trust',
        '',
      ].join('\n'),
    );
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    const literal = `'${PASSWORD.replace(/'/g, "''")}'`;
    for (const role of ['pgv_mon', 'pgv_sslonly', 'pgv_stranger', 'pgv_plain']) {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${literal}`);
    }
    await admin.query(`CREATE ROLE pgv_limited LOGIN CONNECTION LIMIT 0 PASSWORD ${literal}`);
    await admin.query('GRANT pg_monitor TO pgv_mon');
    await admin.query('CREATE DATABASE locked');
    await admin.query('REVOKE CONNECT ON DATABASE locked FROM PUBLIC');
    await admin.query("ALTER SYSTEM SET ssl = 'on'");
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
    // pg_reload_conf signals the postmaster; wait until the new hba rules are in force.
    for (let i = 0; i < 100; i++) {
      const r = await connectTarget(base({ user: 'pgv_stranger' }), { timeoutMs: 5000 });
      if (!r.ok && r.failure.code === 'no_hba_entry') break;
      if (r.ok) await r.connection.client.end();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function failure(over: Partial<ConnectionSettingsInput>, timeoutMs = 10_000) {
    const r = await connectTarget(base(over), { timeoutMs });
    if (r.ok) {
      await r.connection.client.end();
      throw new Error('connection unexpectedly succeeded');
    }
    return r.failure;
  }

  it('connects with a password full of special characters, and runs the checks', async () => {
    const result = await testConnection(base());
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.serverVersionNum).toBeGreaterThanOrEqual(major * 10000);
    const byKey = Object.fromEntries(result.checks.map((c) => [c.key, c.status]));
    expect(byKey).toMatchObject({
      server_version: 'ok',
      pg_monitor: 'ok',
      pg_stat_statements_preloaded: 'ok',
      pg_stat_statements_created: 'missing',
      track_io_timing: 'ok',
    });
  });

  it('reports pg_monitor missing for a plain role, with the GRANT', async () => {
    const result = await testConnection(base({ user: 'pgv_plain' }));
    expect(result.checks.find((c) => c.key === 'pg_monitor')).toMatchObject({
      status: 'missing',
      fix: 'GRANT pg_monitor TO "pgv_plain";',
    });
  });

  it('wrong password -> password_failed', async () => {
    const f = await failure({ password: 'wrong' });
    expect(f).toMatchObject({ code: 'password_failed', rawCode: '28P01' });
    expect(JSON.stringify(f)).not.toContain('wrong');
  });

  it('no password given -> password_required', async () => {
    expect((await failure({ password: undefined })).code).toBe('password_required');
  });

  it('no pg_hba.conf entry -> no_hba_entry with the line to add', async () => {
    const f = await failure({ user: 'pgv_stranger' });
    expect(f.code).toBe('no_hba_entry');
    expect(f.fix).toContain('host    postgres pgv_stranger 127.0.0.1/32 scram-sha-256');
  });

  it.each([
    ['database missing', 'database_missing', '3D000', { dbname: 'nope' }],
    ['role missing', 'role_missing', '28000', { user: 'pgv_ghost' }],
    ['connection limit reached', 'too_many_connections', '53300', { user: 'pgv_limited' }],
    ['no CONNECT privilege', 'insufficient_privilege', '42501', { dbname: 'locked' }],
  ] as const)('%s -> %s (SQLSTATE %s)', async (_case, code, rawCode, settings) => {
    expect(await failure(settings)).toMatchObject({ code, rawCode });
  });

  it('closed port -> connection_refused', async () => {
    expect((await failure({ port: await freePort() })).code).toBe('connection_refused');
  });

  it('.invalid host -> dns_not_found', async () => {
    expect((await failure({ host: 'db.pgvigil.invalid' })).code).toBe('dns_not_found');
  });

  it('a listener that never answers -> timeout, within the bound', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect((await failure({ port }, 300)).code).toBe('timeout');
    } finally {
      silent.close();
    }
  });

  it('a port speaking another protocol -> not_postgres', async () => {
    const other: Server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect((await failure({ port })).code).toBe('not_postgres');
    } finally {
      other.close();
    }
  });

  it('hostssl-only role over a plain connection -> ssl_required_by_server', async () => {
    expect((await failure({ user: 'pgv_sslonly', sslmode: 'disable' })).code).toBe(
      'ssl_required_by_server',
    );
  });

  it('sslmode=allow retries with SSL when the server insists', async () => {
    const r = await connectTarget(base({ user: 'pgv_sslonly', sslmode: 'allow' }));
    expect(r.ok && r.connection.ssl).toBe(true);
    if (r.ok) await r.connection.client.end();
  });

  it('verify-ca with the signing CA connects over SSL', async () => {
    const r = await connectTarget(
      base({ user: 'pgv_sslonly', sslmode: 'verify-ca', sslRootCert: ca }),
    );
    expect(r.ok && r.connection.ssl).toBe(true);
    if (r.ok) await r.connection.client.end();
  });

  it('a CA that did not sign the certificate -> ssl_certificate_untrusted', async () => {
    expect((await failure({ sslmode: 'verify-ca', sslRootCert: otherCa })).code).toBe(
      'ssl_certificate_untrusted',
    );
  });

  it('verify-full to a name the certificate lacks -> ssl_host_mismatch', async () => {
    expect((await failure({ sslmode: 'verify-full', sslRootCert: ca })).code).toBe(
      'ssl_host_mismatch',
    );
  });

  it('SSL required but the server offers none -> ssl_not_supported', async () => {
    const plain = new URL(serverUrl(major));
    const f = await connectTarget(
      connectionSettingsSchema.parse({
        host: plain.hostname,
        port: Number(plain.port),
        user: 'postgres',
        password: TEST_PASSWORD,
        sslmode: 'require',
      }),
    );
    expect(!f.ok && f.failure.code).toBe('ssl_not_supported');
  });
  // Last: it shuts the dedicated server down.
  it('a server in smart shutdown -> server_starting_or_stopping', async () => {
    const holder = new pg.Client({ connectionString: server.url() });
    await holder.connect();
    // Smart shutdown waits for open sessions and refuses new ones with 57P03 meanwhile.
    process.kill(server.pid, 'SIGTERM');
    let code = '';
    for (let i = 0; i < 200 && code !== 'server_starting_or_stopping'; i++) {
      const r = await connectTarget(base());
      if (r.ok) await r.connection.client.end();
      else code = r.failure.code;
      if (code !== 'server_starting_or_stopping')
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await holder.end().catch(() => undefined);
    expect(code).toBe('server_starting_or_stopping');
  });
});
