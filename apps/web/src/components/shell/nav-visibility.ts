import { ROLES, type Role } from '@pgvigil/db';
import type { NavItem } from '@/components/nav-items';

/** Entries a role may see: viewers never see admin-only entries. */
export function visibleNavItems(items: readonly NavItem[], role: Role): NavItem[] {
  const rank = (r: Role) => ROLES.length - ROLES.indexOf(r); // admin highest
  return items.filter((i) => rank(role) >= rank(i.minRole));
}
