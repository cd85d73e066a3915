import {
  assertSecretsStay,
  ensureInstallationSshKey,
  getServer,
  getServerConnection,
  pinSshHostKey,
  readInstallationSshKey,
  type ServerPatch,
} from '@pgvigil/db/registry';
import { connectionSettingsSchema, generateSshKeyPair, testConnection } from '@pgvigil/probes';
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
type StoredConnection = Awaited<ReturnType<typeof getServerConnection>>;

const sameBastion = (a: { host: string; port: number }, b: { host: string; port?: number }) =>
  a.host.trim().toLowerCase() === b.host.trim().toLowerCase() && a.port === (b.port ?? 22);

/**
 * The bastion for this test: the stored one, or the edited one with the stored key and
 * pin where the bastion is unchanged, else the uploaded key or the installation key.
 */
async function sshFor(stored: StoredConnection | null, uploaded: boolean, patch: ServerPatch) {
  if (patch.ssh === null) return undefined;
  if (patch.ssh === undefined) return stored?.ssh;
  const same = !!stored?.ssh && sameBastion(stored.ssh, patch.ssh);
  const box = await secretBox();
  const installationKey = async () => {
    await ensureInstallationSshKey(db(), box, generateSshKeyPair);
    return (await readInstallationSshKey(db(), box)) ?? undefined;
  };
  const keepStored = patch.ssh.privateKey === undefined && same && uploaded;
  const privateKey = patch.ssh.privateKey
    ? patch.ssh.privateKey
    : keepStored
      ? stored?.ssh?.privateKey
      : await installationKey();
  const passphrase = patch.ssh.passphrase
    ? patch.ssh.passphrase
    : keepStored && patch.ssh.passphrase === undefined
      ? stored?.ssh?.passphrase
      : undefined;
  return {
    host: patch.ssh.host,
    port: patch.ssh.port ?? 22,
    username: patch.ssh.username,
    ...(privateKey ? { privateKey } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(same && stored?.ssh?.hostKey ? { hostKey: stored.ssh.hostKey } : {}),
  };
}

export const POST = withAuth('admin', async ({ request, audit }) => {
  const { serverId, ...rest } = await readBody(request, testServer);
  const patch = toPatch(rest);
  const stored = serverId ? await getServerConnection(db(), await secretBox(), serverId) : null;
  const storedServer = serverId ? await getServer(db(), serverId) : null;
  const storedSsh = storedServer?.ssh ?? null;
  const pooler = (storedServer?.kind ?? rest.kind) === 'pgbouncer';
  // a stored secret goes only where it was saved; null drops it for this test
  if (stored) {
    assertSecretsStay(
      { ...stored, hasPassword: !!stored.password, hasSslKey: !!stored.sslKey, ssh: storedSsh },
      patch,
    );
  }
  const { password: _p, sslKey: _k, ssh: _s, ...storedRest } = stored ?? {};
  const ssh = await sshFor(stored, !!storedSsh?.hasPrivateKey, patch);
  const saved = {
    ...storedRest,
    ...(stored?.password && patch.password !== null ? { password: stored.password } : {}),
    ...(stored?.sslKey && patch.sslKey !== null ? { sslKey: stored.sslKey } : {}),
  };
  const settings = parseOr400(connectionSettingsSchema, {
    // an unsaved pooler: its admin console on PgBouncer's port unless given
    ...(pooler && !stored ? { dbname: 'pgbouncer', port: 6432 } : {}),
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
    ...(ssh ? { ssh } : {}),
  });
  const result = await testConnection(settings, { timeoutMs: TEST_TIMEOUT_MS, pooler });
  // The first successful test of a saved server through its bastion pins the host key.
  if (serverId && result.ok && result.tunnel && !result.tunnel.pinned && storedSsh) {
    if (sameBastion(storedSsh, settings.ssh!)) {
      const pinned = await pinSshHostKey(db(), serverId, result.tunnel.hostKey);
      result.tunnel = { ...result.tunnel, pinned: pinned === result.tunnel.hostKey };
    }
  }
  await audit('server.test', 'server', serverId ?? null, {
    host: settings.host,
    port: settings.port,
    ok: result.ok,
    ...(settings.ssh ? { bastion: `${settings.ssh.host}:${settings.ssh.port}` } : {}),
    ...(result.error ? { error: result.error.code } : {}),
  });
  return reply(testServer, result);
});
