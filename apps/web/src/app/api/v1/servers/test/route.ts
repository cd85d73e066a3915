import { assertSecretsStay, getServerConnection } from '@pgvigil/db/registry';
import { connectionSettingsSchema, testConnection } from '@pgvigil/probes';
import { testServer } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400 } from '@/server/validate';
import { toPatch } from '../server-input';

export const dynamic = 'force-dynamic';

/** Upper bound on one test, so the button never spins forever. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * Tries settings (saved, unsaved, or a saved server with edits whose secrets stay
 * stored) and returns { ok, serverVersion, checks, error? }; a failed connection is a 200.
 */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const { serverId, ...rest } = await readBody(request, testServer);
  const patch = toPatch(rest);
  const stored = serverId ? await getServerConnection(db(), await secretBox(), serverId) : null;
  // a stored secret goes only where it was saved; null drops it for this test
  if (stored) {
    assertSecretsStay(
      { ...stored, hasPassword: !!stored.password, hasSslKey: !!stored.sslKey },
      patch,
    );
  }
  const { password: _p, sslKey: _k, ...storedRest } = stored ?? {};
  const saved = {
    ...storedRest,
    ...(stored?.password && patch.password !== null ? { password: stored.password } : {}),
    ...(stored?.sslKey && patch.sslKey !== null ? { sslKey: stored.sslKey } : {}),
  };
  const settings = parseOr400(connectionSettingsSchema, {
    ...saved,
    ...(patch.host !== undefined ? { host: patch.host } : {}),
    ...(patch.port !== undefined ? { port: patch.port } : {}),
    ...(patch.dbname !== undefined ? { dbname: patch.dbname } : {}),
    ...(patch.username !== undefined ? { user: patch.username } : {}),
    ...(patch.password != null ? { password: patch.password } : {}),
    ...(patch.sslmode !== undefined ? { sslmode: patch.sslmode } : {}),
    ...(patch.sslRootCert != null ? { sslRootCert: patch.sslRootCert } : {}),
    ...(patch.sslCert != null ? { sslCert: patch.sslCert } : {}),
    ...(patch.sslKey != null ? { sslKey: patch.sslKey } : {}),
  });
  const result = await testConnection(settings, { timeoutMs: TEST_TIMEOUT_MS });
  await audit('server.test', 'server', serverId ?? null, {
    host: settings.host,
    port: settings.port,
    ok: result.ok,
    ...(result.error ? { error: result.error.code } : {}),
  });
  return reply(testServer, result);
});
