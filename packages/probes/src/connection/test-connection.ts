import type { ConnectionFailure } from './classify';
import { connectTarget, type ConnectOptions } from './connect';
import { checkPrerequisites, type PrerequisiteCheck } from './prerequisites';
import type { ConnectionSettings } from './settings';
import { POOLER_PROBES } from '../pooler/probes';
import { runPoolerProbe } from '../pooler/define';
import type pg from 'pg';

/** Whether every SHOW the pooler probes use answers for this user. */
async function checkPoolerConsole(client: pg.Client): Promise<PrerequisiteCheck[]> {
  const commands = [...new Set(POOLER_PROBES.flatMap((p) => p.commands))];
  const failed: string[] = [];
  for (const probe of POOLER_PROBES) {
    const result = await runPoolerProbe(client, probe);
    if (result.status !== 'ok') failed.push(`${probe.name}: ${result.reason}`);
  }
  return [
    {
      key: 'pooler_console',
      title: 'Read the PgBouncer admin console',
      status: failed.length ? 'missing' : 'ok',
      detail: failed.length
        ? `Some SHOW commands failed: ${failed.join('; ')}`
        : `${commands.join(', ')} answer.`,
      ...(failed.length ? { fix: 'Add the user to stats_users in pgbouncer.ini and reload.' } : {}),
    },
  ];
}

export interface TestConnectionResult {
  ok: boolean;
  serverVersion?: string;
  serverVersionNum?: number;
  ssl?: boolean;
  /** through a bastion: its host key fingerprint, and whether it matched a pinned one */
  tunnel?: { bastion: string; hostKey: string; pinned: boolean };
  checks: PrerequisiteCheck[];
  error?: ConnectionFailure;
}

/** Connects, reads the version and runs the prerequisite checks; every failure is a value. */
export async function testConnection(
  settings: ConnectionSettings,
  options: ConnectOptions = {},
): Promise<TestConnectionResult> {
  const result = await connectTarget(settings, {
    applicationName: 'pgvigil test-connection',
    ...options,
  });
  if (!result.ok) return { ok: false, checks: [], error: result.failure };
  const { client, serverVersion, serverVersionNum, ssl } = result.connection;
  const tunnel = result.connection.tunnel ? { tunnel: result.connection.tunnel } : {};
  try {
    const checks = options.pooler
      ? await checkPoolerConsole(client)
      : await checkPrerequisites(client, serverVersionNum, settings.dbname);
    return { ok: true, serverVersion, serverVersionNum, ssl, ...tunnel, checks };
  } catch (err) {
    const code =
      typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    return {
      ok: true,
      serverVersion,
      serverVersionNum,
      ssl,
      ...tunnel,
      checks: [
        {
          key: 'catalog_read',
          title: 'Read settings and catalogs',
          status: 'missing',
          detail: `The checks could not run (${typeof code === 'string' ? code : 'error'}).`,
          fix: `GRANT pg_monitor TO ${JSON.stringify(settings.user)};`,
        },
      ],
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
