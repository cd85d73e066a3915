/** Paths of the drill-down pages; every segment is encoded, so names with dots or slashes survive. */
const enc = encodeURIComponent;

export const databaseHref = (serverId: number, database: string) =>
  `/servers/${serverId}/databases/${enc(database)}`;

export const tableHref = (serverId: number, database: string, schema: string, table: string) =>
  `${databaseHref(serverId, database)}/tables/${enc(schema)}/${enc(table)}`;

export const indexHref = (serverId: number, database: string, schema: string, index: string) =>
  `${databaseHref(serverId, database)}/indexes/${enc(schema)}/${enc(index)}`;

/** `?range=…` of the current window, for links that keep it. */
export const withQuery = (href: string, query: string) => (query ? `${href}?${query}` : href);

export const formatTime = (d: Date | null) =>
  d ? d.toISOString().slice(0, 16).replace('T', ' ') : 'never';

/** The breadcrumbs above every page of a server: the fleet, then its cluster when it has one. */
export const serverTrail = (server: {
  clusterId: number | null;
  clusterName: string | null;
}): { label: string; href: string }[] => [
  { label: 'Fleet', href: '/' },
  ...(server.clusterId
    ? [{ label: server.clusterName ?? 'cluster', href: `/clusters/${server.clusterId}` }]
    : []),
];
