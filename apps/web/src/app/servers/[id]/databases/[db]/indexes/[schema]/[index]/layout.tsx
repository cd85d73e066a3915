import type { ReactNode } from 'react';
import { loadIndex } from '@/components/dashboard/load';
import { loadObject } from '@/components/dashboard/object-page';

// Reads the index outside the loading boundary beside this layout: an unknown one is a 404 status.
export default async function Layout({
  params,
  children,
}: {
  params: Promise<{ id: string; db: string; schema: string; index: string }>;
  children: ReactNode;
}) {
  const p = await params;
  await loadObject({ ...p, object: p.index }, loadIndex);
  return children;
}
