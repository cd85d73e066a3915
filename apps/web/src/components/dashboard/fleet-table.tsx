'use client';

import { ENVIRONMENTS, formatValue } from '@pgvigil/schema';
import type { listFleet, WireOf } from '@/contract';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/shell/states';
import { formatNumber } from './format';
import { FLEET_FIRST_PAGE, FLEET_PAGE_SIZE } from './fleet-first-page';
import { StatusBadge } from './health-badge';

type Sort = 'name' | 'cluster' | 'environment' | 'alerts' | 'severity';
const COLUMNS: Array<{ sort: Sort; label: string }> = [
  { sort: 'severity', label: 'Health' },
  { sort: 'name', label: 'Server' },
  { sort: 'cluster', label: 'Cluster' },
  { sort: 'environment', label: 'Environment' },
  { sort: 'alerts', label: 'Active alerts' },
];
const PAGE_SIZE = FLEET_PAGE_SIZE;

type FleetPage = WireOf<typeof listFleet>;
type FleetServer = FleetPage['servers'][number];

async function fetchFleet(params: URLSearchParams): Promise<FleetPage> {
  const res = await fetch(`/api/v1/fleet?${params}`);
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as FleetPage;
}

/** Searchable, filterable, sortable, paginated server list; the datastore does the work. */
export function FleetTable({
  windowQuery,
  initial,
}: {
  windowQuery: string;
  /** FLEET_FIRST_PAGE read while the page rendered: drawn at once, refreshed later */
  initial?: FleetPage;
}) {
  const id = useId();
  const [q, setQ] = useState('');
  const [environment, setEnvironment] = useState('');
  const [sort, setSort] = useState<Sort>('severity');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  // the cursors of the pages seen so far: page n is cursors[n - 1] (the first has none)
  const [cursors, setCursors] = useState<string[]>([]);
  const page = cursors.length + 1;
  const setPage = (n: number) => setCursors(n === 1 ? [] : cursors.slice(0, n - 1));
  const params = new URLSearchParams({ sort, dir, limit: String(PAGE_SIZE) });
  const cursor = cursors[cursors.length - 1];
  if (cursor) params.set('cursor', cursor);
  if (q.trim()) params.set('q', q.trim());
  if (environment) params.set('environment', environment);
  const first =
    params.toString() ===
    new URLSearchParams(
      Object.entries(FLEET_FIRST_PAGE).map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString();
  const query = useQuery({
    queryKey: ['fleet', params.toString()],
    queryFn: () => fetchFleet(params),
    placeholderData: keepPreviousData,
    ...(first && initial ? { initialData: initial } : {}),
  });
  const toggleSort = (s: Sort) => {
    if (s === sort) setDir(dir === 'asc' ? 'desc' : 'asc');
    else {
      setSort(s);
      setDir(s === 'severity' || s === 'alerts' ? 'desc' : 'asc');
    }
    setPage(1);
  };
  const pages = query.data ? Math.max(1, Math.ceil(query.data.total / PAGE_SIZE)) : 1;
  const suffix = windowQuery ? `?${windowQuery}` : '';

  return (
    <div>
      <div className="toolbar">
        <label className="sr-only" htmlFor={`${id}-q`}>
          Search servers
        </label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Search name, host or cluster"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
        />
        <label className="sr-only" htmlFor={`${id}-env`}>
          Environment
        </label>
        <select
          id={`${id}-env`}
          className="select"
          value={environment}
          onChange={(e) => {
            setEnvironment(e.target.value);
            setPage(1);
          }}
        >
          <option value="">All environments</option>
          {ENVIRONMENTS.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
        <span className="muted" aria-live="polite">
          {query.data ? `${query.data.total} server${query.data.total === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      {query.isError ? (
        <ErrorState
          title="The server list could not be loaded"
          message={String(query.error.message)}
        />
      ) : !query.data ? (
        <LoadingBlock label="Loading servers" />
      ) : query.data.servers.length === 0 ? (
        <EmptyState
          title={
            q || environment ? 'No server matches these filters.' : 'No server is registered yet.'
          }
        >
          {q || environment ? null : (
            <>
              Register one under <Link href="/admin/servers">Admin &gt; Servers</Link> with a
              connection string and a role that has <code>pg_monitor</code>.
            </>
          )}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.sort}
                    aria-sort={
                      sort === c.sort ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'
                    }
                    className={c.sort === 'alerts' ? 'num' : undefined}
                  >
                    <button type="button" onClick={() => toggleSort(c.sort)}>
                      {c.label}
                      {sort === c.sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </button>
                  </th>
                ))}
                <th className="num">TPS</th>
                <th className="num">Connections</th>
                <th className="num">Cache hit</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {query.data.servers.map((s: FleetServer) => (
                <tr key={s.id}>
                  <td>
                    <StatusBadge state={s.health} />
                  </td>
                  <td>
                    <Link href={`/servers/${s.id}${suffix}`}>{s.name}</Link>
                  </td>
                  <td>
                    {s.clusterId ? (
                      <Link href={`/clusters/${s.clusterId}${suffix}`}>{s.clusterName}</Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>{s.environment}</td>
                  <td className="num">{s.activeAlerts}</td>
                  {s.kind === 'pgbouncer' ? (
                    <PoolerCells pooler={s.pooler} />
                  ) : (
                    <>
                      <td className="num">{formatNumber(s.tps)}</td>
                      <td className="num">{formatValue(s.connectionsUsedPct, 'percent')}</td>
                      <td className="num">{formatValue(s.cacheHitPct, 'percent')}</td>
                    </>
                  )}
                  <td className="muted">
                    {s.host}:{s.port}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {query.data && pages > 1 ? (
        <nav className="pagination" aria-label="Pages">
          <button
            type="button"
            className="btn"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
          >
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button
            type="button"
            className="btn"
            disabled={!query.data.nextCursor}
            onClick={() => query.data.nextCursor && setCursors([...cursors, query.data.nextCursor])}
          >
            Next
          </button>
        </nav>
      ) : null}
    </div>
  );
}

/** A pooler has no TPS or cache: its pools, queued clients and busiest pool instead. */
function PoolerCells({ pooler }: { pooler: FleetServer['pooler'] }) {
  if (!pooler)
    return (
      <td colSpan={3} className="muted">
        PgBouncer · not collected yet
      </td>
    );
  return (
    <td colSpan={3}>
      PgBouncer · {formatNumber(pooler.pools)} pools · {formatNumber(pooler.clientsWaiting)} clients
      waiting
      {pooler.maxWaitSeconds
        ? ` (longest ${formatValue(pooler.maxWaitSeconds, 'seconds')})`
        : ''} · {formatValue(pooler.utilisationPct, 'percent')} used (busiest pool)
    </td>
  );
}
