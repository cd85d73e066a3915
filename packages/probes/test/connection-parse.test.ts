import { describe, expect, it } from 'vitest';
import {
  classifyConnectionError,
  connectionSettingsSchema,
  ConnectionStringError,
  evaluatePrerequisites,
  helperSql,
  formatConnectionUrl,
  parseConnectionString,
  toClientConfig,
} from '@pgvigil/probes';

const NASTY = 'p@ss [w]/o?r#d "q" \\ + sp&c:e %';

describe('parseConnectionString', () => {
  it('reads every part of a URL', () => {
    expect(
      parseConnectionString('postgresql://mon:secret@db.example.com:6543/app?sslmode=verify-full'),
    ).toEqual({
      host: 'db.example.com',
      port: 6543,
      dbname: 'app',
      user: 'mon',
      password: 'secret',
      sslmode: 'verify-full',
    });
  });

  it('round-trips a percent-encoded password with every special character', () => {
    const url = `postgres://mon:${encodeURIComponent(NASTY)}@h/db`;
    expect(parseConnectionString(url).password).toBe(NASTY);
  });

  it('keeps raw @, ?, # and a lone % in a password typed unencoded', () => {
    expect(parseConnectionString('postgresql://u:a@b?c#d%@host:5432/db').password).toBe('a@b?c#d%');
  });

  it('reads IPv6 hosts in brackets', () => {
    const s = parseConnectionString('postgresql://u@[::1]:5433/x');
    expect(s).toMatchObject({ host: '::1', port: 5433, dbname: 'x', user: 'u' });
  });

  it('reads key=value conninfo with quoted values and escapes', () => {
    const text = `host=10.0.0.5 port=5432 dbname='my db' user=mon password='it\\'s a \\\\ "secret"' sslmode=require`;
    expect(parseConnectionString(text)).toEqual({
      host: '10.0.0.5',
      port: 5432,
      dbname: 'my db',
      user: 'mon',
      password: `it's a \\ "secret"`,
      sslmode: 'require',
    });
  });

  it('rejects file paths, bad ports, multi-host strings and unknown keys with the field', () => {
    const cases: [string, string][] = [
      ['postgresql://u@h/db?sslrootcert=/etc/ca.pem', 'sslrootcert'],
      ['postgresql://u@h:99999/db', 'port'],
      ['postgresql://u@h1,h2/db', 'host'],
      ['host=h bogus=1', 'bogus'],
      ['host=h sslmode=sometimes', 'sslmode'],
      ["host='h", 'host'],
      ['   ', 'url'],
    ];
    for (const [text, field] of cases) {
      let caught: unknown;
      try {
        parseConnectionString(text);
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(ConnectionStringError);
      expect((caught as ConnectionStringError).field, text).toBe(field);
    }
  });

  it('formats a URL without the password', () => {
    const s = connectionSettingsSchema.parse({
      host: '::1',
      user: 'a b',
      password: 'x',
      dbname: 'd',
    });
    expect(formatConnectionUrl(s)).toBe('postgresql://a%20b@[::1]:5432/d?sslmode=prefer');
  });
});

describe('toClientConfig', () => {
  it('passes the password as a discrete field and maps verify-ca without a host check', () => {
    const s = connectionSettingsSchema.parse({
      host: 'h',
      user: 'u',
      password: NASTY,
      sslmode: 'verify-ca',
      sslRootCert: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
    });
    const config = toClientConfig(s);
    expect(config.password).toBe(NASTY);
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(typeof (config.ssl as { checkServerIdentity?: unknown }).checkServerIdentity).toBe(
      'function',
    );
  });

  it('refuses certificate paths in the PEM fields', () => {
    const r = connectionSettingsSchema.safeParse({
      host: 'h',
      user: 'u',
      sslRootCert: '/etc/ssl/ca.pem',
    });
    expect(r.success).toBe(false);
  });
});

describe('classifyConnectionError (codes with no easy live reproduction)', () => {
  const ctx = {
    host: 'h',
    port: 5432,
    dbname: 'd',
    user: 'u',
    passwordGiven: true,
    usedSsl: false,
  };
  it.each([
    [{ code: 'EHOSTUNREACH' }, 'host_unreachable'],
    [{ code: 'EAI_AGAIN' }, 'dns_temporary_failure'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'ssl_certificate_expired'],
    [
      { code: '57P03', severity: 'FATAL', message: 'the database system is starting up' },
      'server_starting_or_stopping',
    ],
    [{ code: '57P01', severity: 'FATAL' }, 'server_shutting_down'],
    [{ code: 'XX000', severity: 'FATAL' }, 'unknown'],
    ['not an error object', 'unknown'],
  ] as const)('%o -> %s', (err, code) => {
    const failure = classifyConnectionError(err, ctx);
    expect(failure.code).toBe(code);
    expect(failure.cause.length).toBeGreaterThan(10);
    expect(failure.fix.length).toBeGreaterThan(10);
  });
});

describe('evaluatePrerequisites', () => {
  it('reports each missing setting with the SQL that fixes it', () => {
    const checks = evaluatePrerequisites(
      {
        user: 'mon',
        superuser: false,
        monitor: false,
        preload: 'auto_explain',
        pss_loaded: false,
        pss_version: null,
        track_io_timing: 'off',
        track_functions: 'none',
        wal_level: 'minimal',
        max_wal_senders: '0',
        max_replication_slots: '0',
        system_stats_version: null,
        system_stats_available: false,
        hba_readable: false,
        sequence_helper: false,
        stats_helper: false,
        sequences: 3,
        sequences_unreadable: 2,
        sequence_schemas_unreadable: ['app'],
        tables: 10,
        tables_stats_hidden: 10,
        query_extensions: [
          { name: 'pg_stat_kcache', version: null, available: false, loaded: false },
          { name: 'pg_wait_sampling', version: '1.1', available: true, loaded: false },
          { name: 'pg_qualstats', version: null, available: true, loaded: true },
          { name: 'hypopg', version: '1.3.1', available: true, loaded: true },
        ],
      },
      130011,
      'app',
    );
    const byKey = Object.fromEntries(checks.map((c) => [c.key, c]));
    expect(byKey.server_version?.status).toBe('missing');
    expect(byKey.pg_monitor?.fix).toBe('GRANT pg_monitor TO "mon";');
    expect(byKey.pg_stat_statements_preloaded?.fix).toContain(
      "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain, pg_stat_statements';",
    );
    expect(byKey.track_io_timing).toMatchObject({ status: 'warning' });
    expect(checks.filter((c) => c.status === 'ok')).toEqual([]);
    expect(Object.fromEntries(checks.map((c) => [c.key, c.status]))).toEqual({
      server_version: 'missing',
      pg_monitor: 'missing',
      pg_stat_statements_preloaded: 'missing',
      pg_stat_statements_created: 'missing',
      track_io_timing: 'warning',
      track_functions: 'warning',
      wal_level: 'warning',
      max_wal_senders: 'warning',
      max_replication_slots: 'warning',
      sequences_readable: 'warning',
      statistics_readable: 'warning',
      hba_rules_readable: 'warning',
      system_stats: 'warning',
      query_extensions: 'warning',
    });
    expect(checks.every((c) => c.fix)).toBe(true);
    expect(byKey.query_extensions).toMatchObject({
      detail:
        'pg_stat_kcache: not installed on the server; pg_wait_sampling: not in shared_preload_libraries; pg_qualstats: available, not created; hypopg: version 1.3.1',
      fix: [
        '-- install the server packages first (Debian: postgresql-<major>-pg-stat-kcache)',
        "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain, pg_stat_kcache, pg_wait_sampling';",
        '-- then restart the server',
        '-- in database "app", as a superuser:',
        'CREATE EXTENSION pg_stat_kcache;',
        'CREATE EXTENSION pg_qualstats;',
      ].join('\n'),
    });
    expect(byKey.sequences_readable?.detail).toBe(
      '2 of 3 sequence(s) not readable by mon: their use is reported as unavailable',
    );
    expect(byKey.sequences_readable?.fix).toContain(
      'GRANT SELECT ON ALL SEQUENCES IN SCHEMA "app" TO "mon";',
    );
    // the least privilege first: the helpers, exactly as docs/permissions.md prints them
    expect(byKey.sequences_readable?.fix).toContain(helperSql('mon'));
    expect(byKey.statistics_readable?.fix).toContain(helperSql('mon'));
    expect(byKey.hba_rules_readable?.fix).toBe(
      'GRANT SELECT ON pg_hba_file_rules TO "mon";\nGRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO "mon";',
    );
  });

  it('a server that has everything passes every check and needs no fix', () => {
    const checks = evaluatePrerequisites(
      {
        user: 'mon',
        superuser: false,
        monitor: true,
        preload: 'pg_stat_statements',
        pss_loaded: true,
        pss_version: '1.11',
        track_io_timing: 'on',
        track_functions: 'pl',
        wal_level: 'logical',
        max_wal_senders: '10',
        max_replication_slots: '10',
        system_stats_version: '3.0',
        system_stats_available: true,
        hba_readable: true,
        sequence_helper: false,
        stats_helper: false,
        sequences: 3,
        sequences_unreadable: 0,
        sequence_schemas_unreadable: [],
        tables: 10,
        tables_stats_hidden: 0,
        query_extensions: ['pg_stat_kcache', 'pg_wait_sampling', 'pg_qualstats', 'hypopg'].map(
          (name) => ({ name, version: '1.0', available: true, loaded: true }),
        ),
      },
      180004,
      'postgres',
    );
    expect(checks.map((c) => c.status)).toEqual(Array(14).fill('ok'));
    expect(checks.filter((c) => 'fix' in c)).toEqual([]);
    expect(checks.find((c) => c.key === 'wal_level')?.detail).toBe('wal_level = logical');
  });
});
