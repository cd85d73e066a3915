import type { Role } from '@pgvigil/db';
import type { ReactNode } from 'react';
import { NAV_ITEMS } from '@/components/nav-items';
import { visibleNavItems } from './nav-visibility';
import { Sidebar } from './sidebar';
import { ThemeToggle } from './theme-toggle';

/** The frame around every page: navigation on the left, a slim top bar, the content. */
export function AppShell({ role, children }: { role: Role; children: ReactNode }) {
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Sidebar items={visibleNavItems(NAV_ITEMS, role)} />
      <div className="shell-main">
        <div className="topbar">
          <span className="muted topbar-note">PostgreSQL fleet monitoring</span>
          <ThemeToggle />
        </div>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
