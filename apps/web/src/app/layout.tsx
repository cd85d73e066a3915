import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { Providers } from '@/components/shell/providers';
import { THEME_BOOT_SCRIPT } from '@/components/shell/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'pgvigil', template: '%s · pgvigil' },
  description: 'Monitoring and alerting for PostgreSQL fleets',
};

export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Providers>
          {/* Until sessions exist every visitor is treated as admin; see docs/dashboard.md. */}
          <AppShell role="admin">{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
