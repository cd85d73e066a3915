import type { ReactNode } from 'react';
import { loadAlert } from './load';

/** An unknown or malformed alert id answers 404 before anything streams. */
export default async function AlertLayout({
  params,
  children,
}: {
  params: Promise<{ id: string }>;
  children: ReactNode;
}) {
  await loadAlert((await params).id);
  return children;
}
