import type { Role } from '@pgvigil/db';

export interface NavItem {
  href: string;
  label: string;
  /** lowest role that sees the entry */
  minRole: Role;
  group: 'monitor' | 'alerting' | 'admin';
}

/** The one navigation list; pages for each entry are owned by their feature. */
export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Fleet', minRole: 'viewer', group: 'monitor' },
  { href: '/alerts', label: 'Alerts', minRole: 'viewer', group: 'alerting' },
  { href: '/rules', label: 'Rules', minRole: 'viewer', group: 'alerting' },
  { href: '/blackouts', label: 'Blackouts', minRole: 'viewer', group: 'alerting' },
  { href: '/channels', label: 'Channels', minRole: 'admin', group: 'alerting' },
  { href: '/routes', label: 'Routes', minRole: 'viewer', group: 'alerting' },
  { href: '/admin/servers', label: 'Servers', minRole: 'admin', group: 'admin' },
  { href: '/admin/clusters', label: 'Clusters', minRole: 'admin', group: 'admin' },
  { href: '/admin/probes', label: 'Probes', minRole: 'admin', group: 'admin' },
  { href: '/admin/users', label: 'Users', minRole: 'admin', group: 'admin' },
  { href: '/settings/tokens', label: 'API tokens', minRole: 'viewer', group: 'admin' },
  { href: '/admin/audit', label: 'Audit log', minRole: 'admin', group: 'admin' },
];
