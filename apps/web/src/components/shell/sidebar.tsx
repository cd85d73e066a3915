'use client';

import { usePathname } from 'next/navigation';
import type { NavItem } from '@/components/nav-items';
import { IntentLink } from './intent-link';

const GROUP_LABEL: Record<NavItem['group'], string> = {
  monitor: 'Monitor',
  alerting: 'Alerting',
  admin: 'Administration',
};

function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/' || /^\/(clusters|servers)\b/.test(pathname);
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Sidebar({ items }: { items: readonly NavItem[] }) {
  const pathname = usePathname() ?? '/';
  const groups = (Object.keys(GROUP_LABEL) as NavItem['group'][])
    .map((group) => ({ group, items: items.filter((i) => i.group === group) }))
    .filter((g) => g.items.length > 0);
  return (
    <nav className="sidebar" aria-label="Main">
      <IntentLink href="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◉
        </span>
        pgvigil
      </IntentLink>
      {groups.map((g) => (
        <div key={g.group} className="nav-group">
          <div className="nav-group-label">{GROUP_LABEL[g.group]}</div>
          <ul>
            {g.items.map((item) => {
              const active = isActive(pathname, item.href);
              return (
                <li key={item.href}>
                  <IntentLink
                    href={item.href}
                    className={active ? 'nav-link active' : 'nav-link'}
                    aria-current={active ? 'page' : undefined}
                  >
                    {item.label}
                  </IntentLink>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
