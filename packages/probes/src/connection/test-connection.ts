import type { ConnectionFailure } from './classify';
import { connectTarget, type ConnectOptions } from './connect';
import { checkPrerequisites, type PrerequisiteCheck } from './prerequisites';
import type { ConnectionSettings } from './settings';

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
    const checks = await checkPrerequisites(client, serverVersionNum, settings.dbname);
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
