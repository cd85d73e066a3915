import type { ReactNode } from 'react';
import { decodeSegments, loadDatabase, loadServer } from '@/components/dashboard/load';

// Checks the database outside the loading boundaries below: an unknown one is a 404 status.
export default async function Layout({
  params,
  children,
}: {
  params: Promise<{ id: string; db: string }>;
  children: ReactNode;
}) {
  const p = await params;
  const server = await loadServer(p.id);
  await loadDatabase(server.id, ...decodeSegments(p.db));
  return children;
}
