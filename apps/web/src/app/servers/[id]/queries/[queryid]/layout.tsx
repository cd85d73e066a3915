import type { ReactNode } from 'react';
import { decodeSegments, loadQuery, loadServer } from '@/components/dashboard/load';

// Checks the statement outside the loading boundary beside this layout: one pgvigil
// never saw is a 404 status.
export default async function Layout({
  params,
  children,
}: {
  params: Promise<{ id: string; queryid: string }>;
  children: ReactNode;
}) {
  const p = await params;
  const server = await loadServer(p.id);
  await loadQuery(server.id, ...decodeSegments(p.queryid));
  return children;
}
