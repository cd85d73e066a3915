// Links back to the dashboard: every tool answer says where the same facts are on screen.
const enc = encodeURIComponent;

export interface Links {
  fleet(): string;
  server(serverId: number, window?: { from: Date; to: Date }): string;
  database(serverId: number, database: string): string;
  table(serverId: number, database: string, schema: string, table: string): string;
  index(serverId: number, database: string, schema: string, index: string): string;
  query(serverId: number, queryid: string, window?: { from: Date; to: Date }): string;
  alerts(serverId?: number | null): string;
  /** an alert's page, at its investigation panel */
  alert(alertId: number): string;
  cluster(clusterId: number): string;
}

/** The dashboard's page URLs under `baseUrl` (PGVIGIL_BASE_URL). */
export function dashboardLinks(baseUrl: string): Links {
  const base = baseUrl.replace(/\/+$/, '');
  const range = (w?: { from: Date; to: Date }) =>
    w ? `?from=${enc(w.from.toISOString())}&to=${enc(w.to.toISOString())}` : '';
  const db = (id: number, database: string) => `${base}/servers/${id}/databases/${enc(database)}`;
  return {
    fleet: () => `${base}/`,
    server: (id, w) => `${base}/servers/${id}${range(w)}`,
    database: db,
    table: (id, d, s, t) => `${db(id, d)}/tables/${enc(s)}/${enc(t)}`,
    index: (id, d, s, i) => `${db(id, d)}/indexes/${enc(s)}/${enc(i)}`,
    query: (id, q, w) => `${base}/servers/${id}/queries/${enc(q)}${range(w)}`,
    alerts: (serverId) => `${base}/alerts${serverId ? `?server=${serverId}` : ''}`,
    alert: (id) => `${base}/alerts/${id}#investigation`,
    cluster: (id) => `${base}/clusters/${id}`,
  };
}
