import { BlockList, isIP } from 'node:net';
import type { Role } from '@pgvigil/db';
import { env } from '@/server/env';
import { normalizeAddress } from './peer';

export type GroupRoles = {
  admin: readonly string[];
  editor: readonly string[];
  viewer: readonly string[];
  fallback: Role | 'deny';
};

/** The highest role any of the user's groups gives, else the fallback; null means refused. */
export function roleForGroups(groups: readonly string[], map: GroupRoles): Role | null {
  const has = (names: readonly string[]) => names.some((g) => groups.includes(g));
  if (has(map.admin)) return 'admin';
  if (has(map.editor)) return 'editor';
  if (has(map.viewer)) return 'viewer';
  return map.fallback === 'deny' ? null : map.fallback;
}

export function groupRoles(): GroupRoles {
  const e = env();
  return {
    admin: e.PGVIGIL_SSO_ADMIN_GROUPS,
    editor: e.PGVIGIL_SSO_EDITOR_GROUPS,
    viewer: e.PGVIGIL_SSO_VIEWER_GROUPS,
    fallback: e.PGVIGIL_SSO_DEFAULT_ROLE,
  };
}

/** A claim or header's groups: an array of strings, or one comma-separated string. */
export function groupList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
  return [];
}

/**
 * A provider's user name made fit for pgvigil's (1-64 of letters, digits, `._@-`):
 * other characters become `-`; null when nothing usable is left.
 */
export function usernameFrom(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value
    .trim()
    .replace(/[^A-Za-z0-9._@-]/g, '-')
    .slice(0, 64);
  return /[A-Za-z0-9]/.test(name) ? name : null;
}

/** Whether password sign-in is open to this user name (PGVIGIL_LOCAL_LOGIN, break-glass admin). */
export function passwordLoginAllowed(username: string): boolean {
  const e = env();
  if (e.PGVIGIL_LOCAL_LOGIN) return true;
  return username.toLowerCase() === e.PGVIGIL_BREAK_GLASS_USER?.toLowerCase();
}

/** A matcher for PGVIGIL_AUTH_PROXY_ADDRESSES: addresses and CIDR blocks, v4 and v6. */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const blocks = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) blocks.addAddress(address, family);
    else blocks.addSubnet(address, Number(bits), family);
  }
  return (raw) => {
    const address = normalizeAddress(raw);
    const family = isIP(address);
    if (!family) return false;
    return blocks.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
