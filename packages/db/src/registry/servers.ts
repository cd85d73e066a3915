import { z } from 'zod';
import type { Queryable } from '../client';
import {
  ENVIRONMENTS,
  SERVER_KINDS,
  SSL_MODES,
  type Environment,
  type ServerKind,
  type SslMode,
} from '../domain';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { SecretBox } from '../secret-box';
import { tagsSchema } from './clusters';
import { setPoolerTargets } from './poolers';
import { readInstallationSshKey } from './ssh-key';

const PASSWORD_CONTEXT = 'servers.password';
const SSL_KEY_CONTEXT = 'servers.ssl_key';
const SSH_KEY_CONTEXT = 'servers.ssh_private_key';
const SSH_PASSPHRASE_CONTEXT = 'servers.ssh_passphrase';

/**
 * The bastion a server is reached through. The private key and passphrase are secrets:
 * a string sets them, null clears them (the installation key is used), absent keeps them.
 */
export const sshInputSchema = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^\s,]+$/, 'one host name or address'),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().trim().min(1).max(100),
  privateKey: z
    .string()
    .max(64_000)
    .refine((t) => t.includes('-----BEGIN '), 'paste the private key text (-----BEGIN ...)')
    .nullable()
    .optional(),
  passphrase: z.string().max(1024).nullable().optional(),
});
export type SshInput = z.input<typeof sshInputSchema>;

/** The bastion as the API shows it: the key only as "is set", the pinned host key. */
export interface ServerSsh {
  host: string;
  port: number;
  username: string;
  hasPrivateKey: boolean;
  /** `SHA256:...`, pinned by the first successful connection; null until then */
  hostKey: string | null;
}

const pem = z
  .string()
  .max(64_000)
  .refine((t) => t.includes('-----BEGIN '), 'paste PEM text (-----BEGIN ...), not a file path');

/**
 * A server as stored. Secrets: a string sets them, null clears them, absent keeps them.
 */
const serverFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  environment: z.enum(ENVIRONMENTS),
  tags: tagsSchema,
  clusterId: z.number().int().positive().nullable(),
  enabled: z.boolean(),
  host: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^\s,]+$/, 'one host name or address'),
  port: z.number().int().min(1).max(65535),
  dbname: z.string().min(1).max(63),
  username: z.string().min(1).max(63),
  password: z.string().max(1024).nullable().optional(),
  sslmode: z.enum(SSL_MODES),
  sslRootCert: pem.nullable(),
  sslCert: pem.nullable(),
  sslKey: pem.nullable().optional(),
  /** null: connect directly; absent in a patch: keep */
  ssh: sshInputSchema.nullable().optional(),
  /** a pooler only: the servers it sends connections to (replaces the list) */
  fronts: z.array(z.number().int().positive()).max(100),
};
export const serverInputSchema = z.object({
  ...serverFields,
  /** fixed once registered: a pooler and a server have different probes and history */
  kind: z.enum(SERVER_KINDS).default('postgres'),
  fronts: serverFields.fronts.default([]),
  description: serverFields.description.default(''),
  environment: serverFields.environment.default('production'),
  tags: serverFields.tags.default([]),
  clusterId: serverFields.clusterId.default(null),
  enabled: serverFields.enabled.default(true),
  port: serverFields.port.default(5432),
  dbname: serverFields.dbname.default('postgres'),
  sslmode: serverFields.sslmode.default('prefer'),
  sslRootCert: serverFields.sslRootCert.default(null),
  sslCert: serverFields.sslCert.default(null),
});
/** A patch: absent fields are left as they are (no defaults apply). */
export const serverPatchSchema = z.object(serverFields).partial();
export type ServerInput = z.input<typeof serverInputSchema>;
export type ServerPatch = z.input<typeof serverPatchSchema>;

/** A server as the API shows it: secrets only as "is set". */
export type Server = {
  id: number;
  kind: ServerKind;
  /** a pooler: the ids of the servers it fronts (empty for a server) */
  fronts: number[];
  name: string;
  description: string;
  environment: Environment;
  tags: string[];
  clusterId: number | null;
  clusterName: string | null;
  enabled: boolean;
  host: string;
  port: number;
  dbname: string;
  username: string;
  sslmode: SslMode;
  sslRootCert: string | null;
  sslCert: string | null;
  hasPassword: boolean;
  hasSslKey: boolean;
  ssh: ServerSsh | null;
  createdAt: Date;
  updatedAt: Date;
};

const SELECT = `SELECT s.id, s.kind,
  ARRAY(SELECT t.server_id FROM pooler_targets t WHERE t.pooler_id = s.id ORDER BY 1)::int[] AS fronts,
  s.name, s.description, s.environment, s.tags, s.cluster_id AS "clusterId",
  c.name AS "clusterName", s.enabled, s.host, s.port, s.dbname, s.username, s.sslmode,
  s.ssl_root_cert AS "sslRootCert", s.ssl_cert AS "sslCert",
  s.password_enc IS NOT NULL AS "hasPassword", s.ssl_key_enc IS NOT NULL AS "hasSslKey",
  CASE WHEN s.ssh_host IS NOT NULL THEN json_build_object('host', s.ssh_host, 'port', s.ssh_port,
    'username', s.ssh_username, 'hasPrivateKey', s.ssh_private_key_enc IS NOT NULL,
    'hostKey', s.ssh_host_key) END AS ssh,
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"
  FROM servers s LEFT JOIN clusters c ON c.id = s.cluster_id`;

function explain(err: unknown, name: string | undefined): never {
  if (err instanceof ConflictError) {
    // 23503 (unknown cluster) and 23505 (duplicate name) both arrive as ConflictError.
    throw new ConflictError(
      `A server named "${name}" already exists, or the cluster does not exist`,
    );
  }
  throw err;
}

async function assertCluster(q: Queryable, clusterId: number | null | undefined): Promise<void> {
  if (clusterId == null) return;
  const rows = await q.query('SELECT 1 FROM clusters WHERE id = $1', [clusterId]);
  if (!rows[0]) throw new NotFoundError(`Cluster ${clusterId}`);
}

/** Every server's sealed secrets by name (to be opened with the secret box), by name. */
export async function listSealedServerSecrets(q: Queryable): Promise<
  {
    name: string;
    password_enc: string | null;
    ssl_key_enc: string | null;
    ssh_private_key_enc: string | null;
    ssh_passphrase_enc: string | null;
  }[]
> {
  return q.query(
    `SELECT name, password_enc, ssl_key_enc, ssh_private_key_enc, ssh_passphrase_enc
       FROM servers ORDER BY lower(name)`,
  );
}

export async function listServers(q: Queryable): Promise<Server[]> {
  return q.query<Server>(`${SELECT} ORDER BY lower(s.name)`);
}

export async function getServer(q: Queryable, id: number): Promise<Server> {
  const rows = await q.query<Server>(`${SELECT} WHERE s.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError(`Server ${id}`);
  return rows[0];
}

export async function createServer(
  q: Queryable,
  box: SecretBox,
  input: ServerInput,
): Promise<Server> {
  const v = serverInputSchema.parse({
    // a pooler is read through its admin console, on PgBouncer's port by default
    ...(input.kind === 'pgbouncer' ? { dbname: 'pgbouncer', port: 6432 } : {}),
    ...input,
  });
  await assertCluster(q, v.clusterId);
  if (v.kind !== 'pgbouncer' && v.fronts.length)
    throw new ValidationError('Only a pooler fronts servers', { fronts: 'a pooler only' });
  const rows = await q
    .query<{ id: number }>(
      `INSERT INTO servers (name, description, environment, tags, cluster_id, enabled, host, port, dbname,
                            username, password_enc, sslmode, ssl_root_cert, ssl_cert, ssl_key_enc,
                            ssh_host, ssh_port, ssh_username, ssh_private_key_enc, ssh_passphrase_enc, kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       RETURNING id`,
      [
        v.name,
        v.description,
        v.environment,
        v.tags,
        v.clusterId,
        v.enabled,
        v.host,
        v.port,
        v.dbname,
        v.username,
        v.password ? box.seal(v.password, PASSWORD_CONTEXT) : null,
        v.sslmode,
        v.sslRootCert,
        v.sslCert,
        v.sslKey ? box.seal(v.sslKey, SSL_KEY_CONTEXT) : null,
        v.ssh?.host ?? null,
        v.ssh ? v.ssh.port : null,
        v.ssh?.username ?? null,
        v.ssh?.privateKey ? box.seal(v.ssh.privateKey, SSH_KEY_CONTEXT) : null,
        v.ssh?.passphrase ? box.seal(v.ssh.passphrase, SSH_PASSPHRASE_CONTEXT) : null,
        v.kind,
      ],
    )
    .catch((err: unknown) => explain(err, v.name));
  const id = rows[0]?.id ?? 0;
  if (v.fronts.length) await setPoolerTargets(q, id, v.fronts);
  return getServer(q, id);
}

/** Where a server's stored secrets may go, and which secrets it has. */
export interface SecretBinding {
  host: string;
  port: number;
  hasPassword: boolean;
  hasSslKey: boolean;
  /** the bastion the secrets travel through, if any */
  ssh?: { host: string; port: number; hasPrivateKey: boolean } | null;
}

const sameHost = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether two routes go through the same bastion (or both go direct). */
function sameBastion(
  a: { host: string; port: number } | null,
  b: { host: string; port?: number } | null,
): boolean {
  if (!a || !b) return a === b;
  return sameHost(a.host, b.host) && a.port === (b.port ?? 22);
}

/**
 * A stored password or client key is sent only to the host and port it was saved
 * with: moving a server elsewhere (PATCH, import, testing a saved server with a new
 * host) must come with the secret again, or a registry edit could hand it to anyone.
 * `next` holds the new values; an absent secret means "keep the stored one".
 */
export function assertSecretsStay(
  stored: SecretBinding,
  next: {
    host?: string;
    port?: number;
    password?: unknown;
    sslKey?: unknown;
    ssh?: { host: string; port?: number; privateKey?: unknown } | null;
  },
): void {
  const bastionMoved = next.ssh !== undefined && !sameBastion(stored.ssh ?? null, next.ssh);
  const moved =
    (next.host !== undefined && !sameHost(next.host, stored.host)) ||
    (next.port !== undefined && next.port !== stored.port) ||
    bastionMoved;
  if (!moved) return;
  const fields: Record<string, string> = {};
  const why = 'enter it again: a stored secret is only sent to the host and port it was saved for';
  if (stored.hasPassword && next.password === undefined) fields.password = why;
  if (stored.hasSslKey && next.sslKey === undefined) fields.sslKey = why;
  if (bastionMoved && stored.ssh?.hasPrivateKey && next.ssh && next.ssh.privateKey === undefined)
    fields['ssh.privateKey'] = why;
  if (Object.keys(fields).length)
    throw new ValidationError(
      'The host or port changed: enter the stored password (and client key) again',
      fields,
    );
}

export async function updateServer(
  q: Queryable,
  box: SecretBox,
  id: number,
  patch: ServerPatch,
): Promise<Server> {
  const v = serverPatchSchema.parse(patch);
  const current = await getServer(q, id);
  assertSecretsStay(current, v);
  await assertCluster(q, v.clusterId);
  const sets: string[] = [];
  const values: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  };
  const columns = {
    name: 'name',
    description: 'description',
    environment: 'environment',
    tags: 'tags',
    clusterId: 'cluster_id',
    enabled: 'enabled',
    host: 'host',
    port: 'port',
    dbname: 'dbname',
    username: 'username',
    sslmode: 'sslmode',
    sslRootCert: 'ssl_root_cert',
    sslCert: 'ssl_cert',
  } as const;
  for (const [key, column] of Object.entries(columns)) {
    const value = v[key as keyof typeof columns];
    if (value !== undefined) set(column, value);
  }
  // Absent keeps the stored secret; null clears it; a string replaces it.
  if (v.password !== undefined)
    set('password_enc', v.password ? box.seal(v.password, PASSWORD_CONTEXT) : null);
  if (v.sslKey !== undefined)
    set('ssl_key_enc', v.sslKey ? box.seal(v.sslKey, SSL_KEY_CONTEXT) : null);
  if (v.ssh !== undefined) setSsh(set, box, current.ssh, v.ssh);
  if (v.fronts !== undefined) {
    if (current.kind !== 'pgbouncer' && v.fronts.length)
      throw new ValidationError('Only a pooler fronts servers', { fronts: 'a pooler only' });
    await setPoolerTargets(q, id, v.fronts);
  }
  if (sets.length) {
    await q
      .query(`UPDATE servers SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, values)
      .catch((err: unknown) => explain(err, v.name));
  }
  return getServer(q, id);
}

type SshPatch = z.output<typeof sshInputSchema> | null;

/** The ssh columns of a patch; a pinned host key stays only while the bastion does. */
function setSsh(
  set: (column: string, value: unknown) => void,
  box: SecretBox,
  current: ServerSsh | null,
  next: SshPatch,
): void {
  set('ssh_host', next?.host ?? null);
  set('ssh_port', next ? next.port : null);
  set('ssh_username', next?.username ?? null);
  if (!next || next.privateKey !== undefined)
    set(
      'ssh_private_key_enc',
      next?.privateKey ? box.seal(next.privateKey, SSH_KEY_CONTEXT) : null,
    );
  if (!next || next.passphrase !== undefined)
    set(
      'ssh_passphrase_enc',
      next?.passphrase ? box.seal(next.passphrase, SSH_PASSPHRASE_CONTEXT) : null,
    );
  if (!sameBastion(current, next)) set('ssh_host_key', null);
}

/**
 * Pins a bastion's host key when none is pinned yet (trust on first use); returns the
 * key now pinned, which differs from `hostKey` when another one was pinned first.
 */
export async function pinSshHostKey(
  q: Queryable,
  id: number,
  hostKey: string,
): Promise<string | null> {
  const rows = await q.query<{ ssh_host_key: string | null }>(
    `UPDATE servers SET ssh_host_key = coalesce(ssh_host_key, $2)
      WHERE id = $1 AND ssh_host IS NOT NULL RETURNING ssh_host_key`,
    [id, hostKey],
  );
  return rows[0]?.ssh_host_key ?? null;
}

/** Forgets the pinned host key (the bastion was rebuilt): the next connection pins anew. */
export async function clearSshHostKey(q: Queryable, id: number): Promise<void> {
  const rows = await q.query('UPDATE servers SET ssh_host_key = NULL WHERE id = $1 RETURNING id', [
    id,
  ]);
  if (!rows[0]) throw new NotFoundError(`Server ${id}`);
}

/** Connection settings with secrets opened, for the collector and for testing a saved server. */
export async function getServerConnection(
  q: Queryable,
  box: SecretBox,
  id: number,
): Promise<{
  host: string;
  port: number;
  dbname: string;
  user: string;
  password?: string;
  sslmode: SslMode;
  sslRootCert?: string;
  sslCert?: string;
  sslKey?: string;
  ssh?: {
    host: string;
    port: number;
    username: string;
    privateKey?: string;
    passphrase?: string;
    hostKey?: string;
  };
}> {
  const rows = await q.query<{
    host: string;
    port: number;
    dbname: string;
    username: string;
    sslmode: SslMode;
    password_enc: string | null;
    ssl_root_cert: string | null;
    ssl_cert: string | null;
    ssl_key_enc: string | null;
    ssh_host: string | null;
    ssh_port: number | null;
    ssh_username: string | null;
    ssh_private_key_enc: string | null;
    ssh_passphrase_enc: string | null;
    ssh_host_key: string | null;
  }>(
    `SELECT host, port, dbname, username, sslmode, password_enc, ssl_root_cert, ssl_cert, ssl_key_enc,
            ssh_host, ssh_port, ssh_username, ssh_private_key_enc, ssh_passphrase_enc, ssh_host_key
       FROM servers WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new NotFoundError(`Server ${id}`);
  // Without an uploaded key, the installation key (when one was made) goes to the bastion.
  const sshKey = r.ssh_private_key_enc
    ? box.open(r.ssh_private_key_enc, SSH_KEY_CONTEXT)
    : r.ssh_host
      ? await readInstallationSshKey(q, box)
      : null;
  return {
    host: r.host,
    port: r.port,
    dbname: r.dbname,
    user: r.username,
    sslmode: r.sslmode,
    ...(r.password_enc ? { password: box.open(r.password_enc, PASSWORD_CONTEXT) } : {}),
    ...(r.ssl_root_cert ? { sslRootCert: r.ssl_root_cert } : {}),
    ...(r.ssl_cert ? { sslCert: r.ssl_cert } : {}),
    ...(r.ssl_key_enc ? { sslKey: box.open(r.ssl_key_enc, SSL_KEY_CONTEXT) } : {}),
    ...(r.ssh_host && r.ssh_port && r.ssh_username
      ? {
          ssh: {
            host: r.ssh_host,
            port: r.ssh_port,
            username: r.ssh_username,
            ...(sshKey ? { privateKey: sshKey } : {}),
            ...(r.ssh_private_key_enc && r.ssh_passphrase_enc
              ? { passphrase: box.open(r.ssh_passphrase_enc, SSH_PASSPHRASE_CONTEXT) }
              : {}),
            ...(r.ssh_host_key ? { hostKey: r.ssh_host_key } : {}),
          },
        }
      : {}),
  };
}
