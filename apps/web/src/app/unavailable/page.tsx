import { DatastoreDown } from '@/components/shell/datastore-down';

export const metadata = { title: 'Unavailable' };
export const dynamic = 'force-dynamic';

/**
 * What proxy.ts shows, at the page's own address, when it cannot check the session
 * because the datastore does not answer (the layout renders the same message).
 */
export default function UnavailablePage() {
  return <DatastoreDown />;
}
