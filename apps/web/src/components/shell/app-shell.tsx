import type { Role } from '@pgvigil/db';
import type { ReactNode } from 'react';
import { NAV_ITEMS } from '@/components/nav-items';
import { visibleNavItems } from './nav-visibility';
import { SelfHealthBanner, type SelfHealthView } from './self-health-banner';
import { Sidebar } from './sidebar';
import { ThemeToggle } from './theme-toggle';

/**
 * The frame around every page: navigation on the left, a slim top bar, pgvigil's
 * own health when something is wrong with it, the content.
 */
export function AppShell({
  user,
  health,
  children,
}: {
  user: { username: string; role: Role } | null;
  health: SelfHealthView;
  children: ReactNode;
}) {
  if (!user) {
    return (
      <>
        <SelfHealthBanner initial={health} />
        <main id="main" className="content content-bare">
          {children}
        </main>
      </>
    );
  }
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Sidebar items={visibleNavItems(NAV_ITEMS, user.role)} />
      <div className="shell-main">
        <div className="topbar">
          <span className="muted topbar-note">PostgreSQL fleet monitoring</span>
          <div className="topbar-right">
            <span className="muted">
              {user.username} · {user.role}
            </span>
            <ThemeToggle />
          </div>
        </div>
        <SelfHealthBanner initial={health} />
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
