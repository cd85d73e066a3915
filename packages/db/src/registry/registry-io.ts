import { z } from 'zod';
import type { Db, Queryable } from '../client';
import type { SecretBox } from '../secret-box';
import { clusterInputSchema, createCluster, listClusters, updateCluster } from './clusters';
import { createServer, listServers, serverInputSchema, updateServer } from './servers';

const exportedServer = serverInputSchema
  .omit({ clusterId: true })
  .extend({ cluster: z.string().trim().min(1).max(100).nullable().default(null) });

export const registryDocumentSchema = z.object({
  version: z.literal(1),
  clusters: z.array(clusterInputSchema).max(10_000).default([]),
  servers: z.array(exportedServer).max(10_000).default([]),
});
export type RegistryDocument = z.output<typeof registryDocumentSchema>;

/** The registry as JSON; clusters by name, no secret of any kind. */
export async function exportRegistry(db: Queryable): Promise<RegistryDocument> {
  const [clusters, servers] = await Promise.all([listClusters(db), listServers(db)]);
  return {
    version: 1,
    clusters: clusters.map(({ name, description, environment, tags }) => ({
      name,
      description,
      environment,
      tags,
    })),
    servers: servers.map((s) => ({
      name: s.name,
      description: s.description,
      environment: s.environment,
      tags: s.tags,
      cluster: s.clusterName,
      enabled: s.enabled,
      host: s.host,
      port: s.port,
      dbname: s.dbname,
      username: s.username,
      sslmode: s.sslmode,
      sslRootCert: s.sslRootCert,
      sslCert: s.sslCert,
      ssh: s.ssh ? { host: s.ssh.host, port: s.ssh.port, username: s.ssh.username } : null,
    })),
  };
}

export type ImportReport = {
  clustersCreated: number;
  clustersUpdated: number;
  serversCreated: number;
  serversUpdated: number;
};

/**
 * Creates or updates by name, all or nothing. Servers keep their stored secrets
 * unless the document carries new ones.
 */
export async function importRegistry(
  db: Db,
  box: SecretBox,
  input: unknown,
): Promise<ImportReport> {
  const doc = registryDocumentSchema.parse(input);
  return db.tx((q) => applyRegistry(q, box, doc));
}

/** importRegistry inside the caller's transaction (the CLI's config import). */
export async function applyRegistry(
  q: Queryable,
  box: SecretBox,
  doc: RegistryDocument,
): Promise<ImportReport> {
  const report: ImportReport = {
    clustersCreated: 0,
    clustersUpdated: 0,
    serversCreated: 0,
    serversUpdated: 0,
  };
  const clusterIds = new Map((await listClusters(q)).map((c) => [c.name.toLowerCase(), c.id]));
  for (const c of doc.clusters) {
    const id = clusterIds.get(c.name.toLowerCase());
    if (id) {
      await updateCluster(q, id, c);
      report.clustersUpdated++;
    } else {
      clusterIds.set(c.name.toLowerCase(), (await createCluster(q, c)).id);
      report.clustersCreated++;
    }
  }
  const serverIds = new Map((await listServers(q)).map((s) => [s.name.toLowerCase(), s.id]));
  for (const { cluster, ...s } of doc.servers) {
    let clusterId: number | null = null;
    if (cluster) {
      clusterId = clusterIds.get(cluster.toLowerCase()) ?? null;
      if (!clusterId) {
        clusterId = (await createCluster(q, { name: cluster })).id;
        clusterIds.set(cluster.toLowerCase(), clusterId);
        report.clustersCreated++;
      }
    }
    const id = serverIds.get(s.name.toLowerCase());
    if (id) {
      await updateServer(q, box, id, { ...s, clusterId });
      report.serversUpdated++;
    } else {
      serverIds.set(s.name.toLowerCase(), (await createServer(q, box, { ...s, clusterId })).id);
      report.serversCreated++;
    }
  }
  return report;
}
