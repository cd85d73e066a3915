import { queryKnown } from '@pgvigil/db/dashboard';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { loadServer } from '@/components/dashboard/load';
import { db } from '@/server/db';

// Like the server's layout: an unknown queryid is a 404 status, decided before the
// server segment's loading boundary starts streaming a 200.
export default async function Layout({
  params,
  children,
}: {
  params: Promise<{ id: string; queryid: string }>;
  children: ReactNode;
}) {
  const p = await params;
  const server = await loadServer(p.id);
  const queryid = decodeURIComponent(p.queryid);
  if (!(await queryKnown({ db: db(), serverId: server.id, queryid }))) notFound();
  return children;
}
