import { listClusters } from '@pgvigil/db/registry';
import { ClustersAdmin } from '@/components/admin/clusters-admin';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Clusters' };
export const dynamic = 'force-dynamic';

export default async function ClustersPage() {
  await requirePageUser('admin', '/admin/clusters');
  return <ClustersAdmin clusters={await listClusters(db())} />;
}
