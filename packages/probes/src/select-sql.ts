import type { ProbePrivilege } from './privileges';
import type { ProbeDefinition, VersionedSql } from './types';

/** Compares dotted versions numerically: '1.10' > '1.9'. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The SQL variant for this server (and extension) version, or null when none fits. A variant
 * `whenHas` a helper the role may call wins over its plain twin of the same version.
 */
export function selectSql(
  probe: Pick<ProbeDefinition, 'sql' | 'minServerVersion'>,
  serverVersion: number,
  extensionVersion?: string,
  has: ReadonlySet<ProbePrivilege> = new Set(),
): VersionedSql | null {
  if (serverVersion < probe.minServerVersion) return null;
  const fits = probe.sql.filter(
    (v) =>
      v.minVersion <= serverVersion &&
      (!v.whenHas || has.has(v.whenHas)) &&
      (!v.minExtensionVersion ||
        (extensionVersion !== undefined &&
          compareVersions(extensionVersion, v.minExtensionVersion) >= 0)),
  );
  return (
    fits.sort(
      (a, b) =>
        a.minVersion - b.minVersion ||
        compareVersions(a.minExtensionVersion ?? '0', b.minExtensionVersion ?? '0') ||
        Number(!!a.whenHas) - Number(!!b.whenHas),
    )[fits.length - 1] ?? null
  );
}
