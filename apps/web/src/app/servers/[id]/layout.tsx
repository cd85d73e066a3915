import type { ReactNode } from 'react';
import { loadServer } from '@/components/dashboard/load';

// Resolves the id outside the loading boundary below, so an unknown id is a 404
// status rather than a 200 whose streamed body says "not found".
export default async function Layout({
  params,
  children,
}: {
  params: Promise<{ id: string }>;
  children: ReactNode;
}) {
  await loadServer((await params).id);
  return children;
}
