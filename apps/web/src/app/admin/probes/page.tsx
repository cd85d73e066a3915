import { NotFoundError } from '@pgvigil/db';
import { listClusters, listServers } from '@pgvigil/db/registry';
import { notFound } from 'next/navigation';
import { ProbesAdmin } from '@/components/admin/probes-admin';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';
import { scopeQuery } from '@/contract';
import { probeSettingsView, targetOf } from '@/server/probe-settings';

export const metadata = { title: 'Probes' };
export const dynamic = 'force-dynamic';

export default async function ProbesPage({
  searchParams,
}: {
  searchParams: Promise<{ clusterId?: string; serverId?: string; scope?: string; id?: string }>;
}) {
  await requirePageUser('admin', '/admin/probes');
  const sp = await searchParams;
  // addresses saved before the API's filter names (`?scope=server&id=3`) still work
  const legacy =
    sp.scope === 'cluster' || sp.scope === 'server' ? { [`${sp.scope}Id`]: sp.id } : {};
  const parsed = scopeQuery.safeParse({ ...legacy, ...sp });
  // A hand-edited address that names no scope shows the global settings.
  const target =
    parsed.success && !(parsed.data.clusterId && parsed.data.serverId)
      ? targetOf(parsed.data)
      : { scope: 'global' as const, scopeId: null };
  const [clusters, servers, probes] = await Promise.all([
    listClusters(db()),
    listServers(db()),
    probeSettingsView(db(), target).catch((err: unknown) => {
      if (err instanceof NotFoundError) notFound();
      throw err;
    }),
  ]);
  return (
    <ProbesAdmin
      target={target}
      clusters={clusters.map((c) => ({ id: c.id, name: c.name }))}
      servers={servers.map((s) => ({ id: s.id, name: s.name, clusterName: s.clusterName }))}
      probes={probes}
    />
  );
}
