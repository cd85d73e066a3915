import type { ReactNode } from 'react';
import { forbidBelow } from '@/server/auth';

// Admin pages: the role check runs here, before loading.tsx streams, so a viewer gets a redirect status.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await forbidBelow('admin');
  return children;
}
