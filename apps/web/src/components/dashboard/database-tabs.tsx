import { databaseHref } from './links';

const TABS = [
  { key: 'overview', label: 'Overview', path: '' },
  { key: 'readiness', label: 'Readiness', path: '/readiness' },
  { key: 'compare', label: 'Compare', path: '/compare' },
] as const;

/** The views of one database: its dashboard, its readiness report, its compare with another server. */
export function DatabaseTabs({
  serverId,
  database,
  current,
}: {
  serverId: number;
  database: string;
  current: (typeof TABS)[number]['key'];
}) {
  const base = databaseHref(serverId, database);
  return (
    <nav className="segmented section" aria-label="Database views">
      {TABS.map((t) => (
        <a
          key={t.key}
          className="seg"
          href={`${base}${t.path}`}
          {...(t.key === current ? { 'aria-current': 'page' as const } : {})}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}
