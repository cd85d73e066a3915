import { listClusters, listServers } from '@pgvigil/db/registry';
import { ServersAdmin } from '@/components/admin/servers-admin';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Servers' };
export const dynamic = 'force-dynamic';

export default async function ServersPage() {
  await requirePageUser('admin', '/admin/servers');
  const [servers, clusters] = await Promise.all([listServers(db()), listClusters(db())]);
  return <ServersAdmin servers={servers} clusters={clusters} />;
}
