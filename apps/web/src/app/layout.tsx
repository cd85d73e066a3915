import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { DatastoreDown } from '@/components/shell/datastore-down';
import { Providers } from '@/components/shell/providers';
import { THEME_BOOT_SCRIPT } from '@/components/shell/theme';
import { currentUser } from '@/server/auth';
import { DATASTORE_AWAY_HEADER, selfHealth } from '@/server/self-health';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'pgvigil', template: '%s · pgvigil' },
  description: 'Monitoring and alerting for PostgreSQL fleets',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  // pgvigil's own health first: with its datastore away, no page (nor the session
  // check) can load, and the page says so in plain words instead of a framework error.
  const health = await selfHealth();
  const request = await headers();
  // proxy.ts could not check the session: the page is not rendered, whatever this check says
  const reachable = health.datastore.reachable && request.get(DATASTORE_AWAY_HEADER) !== '1';
  // Signed out (login, first-run setup), the shell shows no navigation at all.
  const user = reachable ? await currentUser().catch(() => null) : null;
  // the CSP nonce proxy.ts made for this response: the one inline script needs it
  const nonce = request.get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Providers>
          <AppShell
            user={user ? { username: user.username, role: user.role } : null}
            health={{ reachable, problems: health.problems }}
          >
            {reachable ? children : <DatastoreDown />}
          </AppShell>
        </Providers>
      </body>
    </html>
  );
}
