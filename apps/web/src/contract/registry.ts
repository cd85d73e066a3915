// The server registry: clusters, servers, connection tests, export and import.
import { ENVIRONMENTS, SERVER_KINDS, SSL_MODES } from '@pgvigil/schema';
import { z } from 'zod';
import { id, nextCursor, pageQuery, timestamp } from './common';
import { endpoint } from './endpoint';

export const tags = z.array(z.string().trim().min(1).max(50)).max(50);

export const cluster = z
  .object({
    id,
    name: z.string(),
    description: z.string(),
    environment: z.enum(ENVIRONMENTS),
    tags: z.array(z.string()),
    serverCount: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Cluster' });
export type Cluster = z.output<typeof cluster>;

/** The SSH bastion a server is reached through, as the API shows it. */
export const serverSsh = z
  .object({
    host: z.string(),
    port: z.number().int(),
    username: z.string(),
    hasPrivateKey: z
      .boolean()
      .meta({ description: "false: pgvigil's installation key is used (GET /ssh/public-key)" }),
    hostKey: z.string().nullable().meta({
      description: "the bastion's host key fingerprint (SHA256:...), pinned on first success",
    }),
  })
  .meta({ id: 'ServerSsh' });

/** A server as the API shows it: secrets only as "is set". */
export const server = z
  .object({
    id,
    kind: z.enum(SERVER_KINDS).meta({ description: 'postgres, or pgbouncer for a pooler' }),
    fronts: z.array(id).meta({ description: 'a pooler: the servers it fronts' }),
    name: z.string(),
    description: z.string(),
    environment: z.enum(ENVIRONMENTS),
    tags: z.array(z.string()),
    clusterId: id.nullable(),
    clusterName: z.string().nullable(),
    enabled: z.boolean(),
    host: z.string(),
    port: z.number().int(),
    dbname: z.string(),
    username: z.string(),
    sslmode: z.enum(SSL_MODES),
    sslRootCert: z.string().nullable(),
    sslCert: z.string().nullable(),
    hasPassword: z.boolean(),
    hasSslKey: z.boolean(),
    ssh: serverSsh.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Server' });
export type Server = z.output<typeof server>;

const clusterFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  environment: z.enum(ENVIRONMENTS),
  tags,
};
const clusterBody = z.strictObject({
  name: clusterFields.name,
  description: clusterFields.description.optional(),
  environment: clusterFields.environment.optional(),
  tags: tags.optional(),
});

/**
 * The body of POST/PATCH /servers and POST /servers/test: separate fields, or `url`
 * (a postgresql:// URL or key=value conninfo) with fields overriding its parts.
 * A string sets a secret, null clears it, absent (or "") keeps it.
 */
export const serverBody = z
  .strictObject({
    url: z.string().max(8192).optional(),
    kind: z.enum(SERVER_KINDS).optional().meta({
      description:
        'on creation only (default postgres); pgbouncer: the admin console of a pooler, database pgbouncer on port 6432 unless given',
    }),
    fronts: z
      .array(id)
      .max(100)
      .optional()
      .meta({ description: 'a pooler: the servers it fronts (replaces the list)' }),
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    environment: z.enum(ENVIRONMENTS).optional(),
    tags: tags.optional(),
    clusterId: id.nullable().optional(),
    enabled: z.boolean().optional(),
    host: z.string().max(255).optional(),
    port: z.number().int().optional(),
    dbname: z.string().max(63).optional(),
    username: z.string().max(63).optional(),
    /** libpq's name for username */
    user: z.string().max(63).optional(),
    password: z.string().max(1024).nullable().optional(),
    sslmode: z.enum(SSL_MODES).optional(),
    sslRootCert: z.string().max(64_000).nullable().optional(),
    sslCert: z.string().max(64_000).nullable().optional(),
    sslKey: z.string().max(64_000).nullable().optional(),
    /** reach the server through an SSH bastion; null: directly */
    ssh: z
      .strictObject({
        host: z.string().max(255),
        port: z.number().int().optional(),
        username: z.string().max(100),
        privateKey: z.string().max(64_000).nullable().optional().meta({
          description:
            'OpenSSH or PEM private key; sealed, never returned. Absent keeps the stored one, null drops it (the installation key is used)',
        }),
        passphrase: z.string().max(1024).nullable().optional(),
      })
      .nullable()
      .optional(),
  })
  .meta({ id: 'ServerBody' });
export type ServerBody = z.output<typeof serverBody>;

export const connectionTest = z
  .object({
    ok: z.boolean().meta({ description: 'false: the connection failed (still a 200)' }),
    serverVersion: z.string().optional(),
    serverVersionNum: z.number().int().optional(),
    ssl: z.boolean().optional(),
    tunnel: z
      .object({
        bastion: z.string(),
        hostKey: z.string().meta({ description: "the bastion's host key fingerprint" }),
        pinned: z.boolean().meta({ description: 'false: first use; a saved server pins it now' }),
      })
      .optional(),
    checks: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        status: z.string().meta({ description: 'ok, warning or missing' }),
        detail: z.string(),
        /** the exact SQL (or step) that makes the check pass */
        fix: z.string().optional(),
      }),
    ),
    error: z
      .object({
        code: z.string().meta({ description: 'password_failed, no_hba_entry, timeout, ...' }),
        cause: z.string(),
        fix: z.string(),
        rawCode: z.string().optional(),
        serverMessage: z.string().optional(),
        ssh: z
          .object({
            bastion: z.string(),
            username: z.string(),
            keyFingerprint: z.string().optional(),
            authorizedKeysLine: z.string().optional(),
            expectedHostKey: z.string().optional(),
            presentedHostKey: z.string().optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .meta({ id: 'ConnectionTest' });
export type ConnectionTest = z.output<typeof connectionTest>;

const exportedServer = z.object({
  kind: z.enum(SERVER_KINDS).optional(),
  /** a pooler: the servers it fronts, by name */
  fronts: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  tags: tags.optional(),
  cluster: z.string().trim().min(1).max(100).nullable().optional(),
  enabled: z.boolean().optional(),
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).optional(),
  dbname: z.string().min(1).max(63).optional(),
  username: z.string().min(1).max(63),
  password: z.string().max(1024).nullable().optional(),
  sslmode: z.enum(SSL_MODES).optional(),
  sslRootCert: z.string().max(64_000).nullable().optional(),
  sslCert: z.string().max(64_000).nullable().optional(),
  sslKey: z.string().max(64_000).nullable().optional(),
  ssh: z
    .object({
      host: z.string().trim().min(1).max(255),
      port: z.number().int().min(1).max(65535).optional(),
      username: z.string().min(1).max(100),
      privateKey: z.string().max(64_000).nullable().optional(),
      passphrase: z.string().max(1024).nullable().optional(),
    })
    .nullable()
    .optional(),
});
/** The export format; an import may add passwords and keys. Clusters by name. */
export const registryDocument = z
  .object({
    version: z.literal(1),
    clusters: z.array(clusterBody.strip()).max(10_000).optional(),
    servers: z.array(exportedServer).max(10_000).optional(),
  })
  .meta({ id: 'RegistryDocument' });

export const listServers = endpoint({
  method: 'GET',
  path: '/servers',
  access: 'viewer',
  tag: 'servers',
  summary: 'Registered servers, by name',
  query: pageQuery,
  response: z.object({ servers: z.array(server), nextCursor }),
});

export const createServer = endpoint({
  method: 'POST',
  path: '/servers',
  access: 'admin',
  tag: 'servers',
  summary: 'Registers a server; 409 on a duplicate name (case-insensitive)',
  body: serverBody,
  status: 201,
  response: z.object({ server }),
});

const serverParams = { id: 'a server id' };

export const getServer = endpoint({
  method: 'GET',
  path: '/servers/{id}',
  access: 'viewer',
  tag: 'servers',
  summary: 'One server',
  params: serverParams,
  response: z.object({ server }),
});

export const updateServer = endpoint({
  method: 'PATCH',
  path: '/servers/{id}',
  access: 'admin',
  tag: 'servers',
  summary:
    'Changes a server: absent fields are kept, stored secrets included; null clears a secret',
  params: serverParams,
  body: serverBody,
  response: z.object({ server }),
});

export const deleteServer = endpoint({
  method: 'DELETE',
  path: '/servers/{id}',
  access: 'admin',
  tag: 'servers',
  summary: 'Removes the server, its alerts and its rows in every metrics table',
  params: serverParams,
  response: null,
});

export const testServer = endpoint({
  method: 'POST',
  path: '/servers/test',
  access: 'admin',
  tag: 'servers',
  summary: 'Tries connection settings, saved or not; a failed connection is a 200 with ok: false',
  description:
    'With `serverId` the stored secrets of that server are used, with the edits of the body applied.',
  body: serverBody.extend({ serverId: id.optional() }),
  response: connectionTest,
});

export const clearSshHostKey = endpoint({
  method: 'DELETE',
  path: '/servers/{id}/ssh-host-key',
  access: 'admin',
  tag: 'servers',
  summary: "Forgets the bastion's pinned host key; the next successful connection pins the new one",
  params: serverParams,
  response: null,
});

export const sshPublicKey = endpoint({
  method: 'GET',
  path: '/ssh/public-key',
  access: 'admin',
  tag: 'servers',
  summary:
    "pgvigil's own SSH public key (Ed25519, made once), to add to authorized_keys on a bastion",
  response: z.object({
    publicKey: z
      .string()
      .meta({ description: 'one authorized_keys line: ssh-ed25519 AAAA... pgvigil' }),
  }),
});

export const exportRegistry = endpoint({
  method: 'GET',
  path: '/servers/export',
  access: 'admin',
  tag: 'servers',
  summary: 'The registry as JSON, clusters by name, without any secret',
  response: registryDocument,
});

export const importRegistry = endpoint({
  method: 'POST',
  path: '/servers/import',
  access: 'admin',
  tag: 'servers',
  summary: 'Creates or updates clusters and servers by name, all or nothing',
  body: registryDocument,
  response: z.object({
    clustersCreated: z.number().int(),
    clustersUpdated: z.number().int(),
    serversCreated: z.number().int(),
    serversUpdated: z.number().int(),
  }),
});

export const listClusters = endpoint({
  method: 'GET',
  path: '/clusters',
  access: 'viewer',
  tag: 'clusters',
  summary: 'Clusters, by name, each with its server count',
  query: pageQuery,
  response: z.object({ clusters: z.array(cluster), nextCursor }),
});

export const createCluster = endpoint({
  method: 'POST',
  path: '/clusters',
  access: 'admin',
  tag: 'clusters',
  summary: 'Creates a cluster',
  body: clusterBody,
  status: 201,
  response: z.object({ cluster }),
});

const clusterParams = { id: 'a cluster id' };

export const getCluster = endpoint({
  method: 'GET',
  path: '/clusters/{id}',
  access: 'viewer',
  tag: 'clusters',
  summary: 'One cluster',
  params: clusterParams,
  response: z.object({ cluster }),
});

export const updateCluster = endpoint({
  method: 'PATCH',
  path: '/clusters/{id}',
  access: 'admin',
  tag: 'clusters',
  summary: 'Changes a cluster: absent fields are kept',
  params: clusterParams,
  body: z.strictObject({
    name: clusterFields.name.optional(),
    description: clusterFields.description.optional(),
    environment: clusterFields.environment.optional(),
    tags: tags.optional(),
  }),
  response: z.object({ cluster }),
});

export const deleteCluster = endpoint({
  method: 'DELETE',
  path: '/clusters/{id}',
  access: 'admin',
  tag: 'clusters',
  summary: 'Deletes a cluster; its servers stay, ungrouped',
  params: clusterParams,
  response: null,
});

const patroniMember = z.object({
  name: z.string(),
  role: z.string(),
  state: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  timeline: z.number().int().nullable(),
  lagBytes: z.number().nullable(),
  pendingRestart: z.boolean(),
  tags: z.record(z.string(), z.unknown()),
  /** the server this member is registered as, if it is */
  serverId: id.nullable(),
});

export const patroniCluster = z
  .object({
    url: z.string().nullable(),
    readAt: timestamp.nullable(),
    error: z.string().nullable(),
    errorAt: timestamp.nullable(),
    leader: z.string().nullable(),
    timeline: z.number().int().nullable(),
    paused: z.boolean(),
    synchronousMode: z.boolean(),
    maximumLagOnFailover: z.number().nullable(),
    scheduledSwitchover: z
      .object({ at: z.string(), from: z.string().nullable(), to: z.string().nullable() })
      .nullable(),
    members: z.array(patroniMember),
    events: z.array(
      z.object({
        id,
        at: timestamp,
        kind: z.string(),
        title: z.string(),
        details: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'PatroniCluster' });
export type PatroniClusterView = z.output<typeof patroniCluster>;

export const getClusterPatroni = endpoint({
  method: 'GET',
  path: '/clusters/{id}/patroni',
  access: 'viewer',
  tag: 'clusters',
  summary: "The cluster's Patroni view as the collector last read it, with its failovers",
  description:
    'Members with roles, state, lag, timeline, tags and pending restart; pause, synchronous mode and maximum_lag_on_failover; the last 50 switchover and failover events.',
  params: clusterParams,
  response: z.object({ patroni: patroniCluster }),
});

export const setClusterPatroni = endpoint({
  method: 'PUT',
  path: '/clusters/{id}/patroni',
  access: 'admin',
  tag: 'clusters',
  summary: "Sets the cluster's Patroni REST URL (one member's); null stops following it",
  description:
    'The URL is read once first (GET /cluster, /patroni, /history, /config) under the outbound policy; a URL that does not answer as Patroni is a 422.',
  params: clusterParams,
  body: z.strictObject({ url: z.string().max(500).nullable() }),
  response: z.object({ patroni: patroniCluster }),
});

export const registerClusterPatroniMembers = endpoint({
  method: 'POST',
  path: '/clusters/{id}/patroni/members',
  access: 'admin',
  tag: 'clusters',
  summary: 'Registers the Patroni members not yet servers of the cluster',
  description:
    "Named `<cluster>-<member>`, with the given login or, without one, that of the cluster's first server.",
  params: clusterParams,
  body: z.strictObject({
    username: z.string().min(1).max(63).optional(),
    password: z.string().max(1024).optional(),
    dbname: z.string().min(1).max(63).optional(),
  }),
  response: z.object({ servers: z.array(server) }),
  status: 201,
});
