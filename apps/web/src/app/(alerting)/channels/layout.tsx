import type { ReactNode } from 'react';
import { forbidBelow } from '@/server/auth';

// Channels hold webhook URLs and SMTP settings: admins only, checked before loading.tsx streams.
export default async function ChannelsLayout({ children }: { children: ReactNode }) {
  await forbidBelow('admin');
  return children;
}
