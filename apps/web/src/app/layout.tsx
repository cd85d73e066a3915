import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { Providers } from '@/components/shell/providers';
import { THEME_BOOT_SCRIPT } from '@/components/shell/theme';
import { currentUser } from '@/server/auth';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'pgvigil', template: '%s · pgvigil' },
  description: 'Monitoring and alerting for PostgreSQL fleets',
};

export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Signed out (login, first-run setup), the shell shows no navigation at all.
  const user = await currentUser().catch(() => null);
  // the CSP nonce proxy.ts made for this response: the one inline script needs it
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Providers>
          <AppShell user={user ? { username: user.username, role: user.role } : null}>
            {children}
          </AppShell>
        </Providers>
      </body>
    </html>
  );
}
