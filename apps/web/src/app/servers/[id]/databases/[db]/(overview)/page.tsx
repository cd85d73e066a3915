import {
  CHARTS,
  listActiveAlerts,
  listDatabaseFindings,
  listLintFindings,
  listSchemaChanges,
  pageDatabaseIndexes,
  pageDatabaseTables,
} from '@pgvigil/db/dashboard';
import { DatabaseTabs } from '@/components/dashboard/database-tabs';
import { NoPkList, SequenceList } from '@/components/dashboard/findings';
import { LintFindings } from '@/components/dashboard/lint-findings';
import { IndexList } from '@/components/dashboard/index-list';
import { ListPager, listCount } from '@/components/dashboard/list-pager';
import {
  databaseHref,
  indexHref,
  serverTrail,
  tableHref,
  withQuery,
} from '@/components/dashboard/links';
import { SchemaChanges } from '@/components/dashboard/schema-changes';
import { TableList, tableSortFrom } from '@/components/dashboard/table-list';
import { ChartGrid } from '@/components/charts/chart-grid';
import { AlertList } from '@/components/dashboard/alert-list';
import { decodeSegments, loadServer, prefetchCharts } from '@/components/dashboard/load';
import { pageWindow, searchParam, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { db } from '@/server/db';

const DATABASE_CHARTS = [
  CHARTS.tps,
  CHARTS.commits_rollbacks,
  CHARTS.cache_hit,
  CHARTS.tuples,
  CHARTS.temp,
].map((c) => ({ id: c.id, title: c.title }));

export default async function DatabasePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const { id, db: rawName } = await params;
  const [name] = decodeSegments(rawName);
  const server = await loadServer(id);
  const sp = await searchParams;
  const sort = tableSortFrom(sp.tsort);
  const filter = searchParam(sp.q)?.trim().slice(0, 200) ?? '';
  const base = { serverId: server.id, database: name };
  const paged = { name: filter, page: searchParam(sp.tpage) };
  const { query, window, compare } = await pageWindow(searchParams, now);
  const [charts, alerts, tables, indexes, findings, changes, lint] = await Promise.all([
    prefetchCharts(server.id, DATABASE_CHARTS, window, { database: name }),
    listActiveAlerts({ db: db(), input: { serverId: server.id, databaseName: name } }),
    pageDatabaseTables({ db: db(), input: { ...base, ...paged, sort }, at: now }),
    pageDatabaseIndexes({
      db: db(),
      input: { ...base, ...paged, page: searchParam(sp.ipage) },
      at: now,
    }),
    listDatabaseFindings({ db: db(), input: base, at: now }),
    listSchemaChanges({ db: db(), input: { ...base, limit: 20 } }),
    listLintFindings({ db: db(), input: base, at: now }),
  ]);
  const here = databaseHref(server.id, name);
  const keep = Object.fromEntries(new URLSearchParams(query));
  // the lists' own state, so that paging one list, sorting or filtering keeps the rest
  const state: Record<string, string | undefined> = {
    ...keep,
    tsort: searchParam(sp.tsort) ? sort : undefined,
    q: filter || undefined,
    tpage: tables.page > 1 ? String(tables.page) : undefined,
    ipage: indexes.page > 1 ? String(indexes.page) : undefined,
  };
  const link = (change: Record<string, string | undefined>) => {
    const next = Object.entries({ ...state, ...change }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    );
    return withQuery(here, new URLSearchParams(next).toString());
  };
  const pageParam = (p: number) => (p > 1 ? String(p) : undefined);
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: `/servers/${server.id}` },
    { label: name },
  ];
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={name}
        subtitle={`Database on ${server.name}`}
        query={query}
      />
      <DatabaseTabs serverId={server.id} database={name} current="overview" />
      <section className="panel" aria-labelledby="db-alerts">
        <h2 id="db-alerts">Active alerts</h2>
        <AlertList alerts={alerts} now={now} emptyText="No alert is firing for this database." />
      </section>
      <section className="section" aria-label="Charts">
        <ChartGrid
          serverId={server.id}
          charts={DATABASE_CHARTS}
          window={window}
          compare={compare}
          database={name}
          expected
          initial={charts}
        />
      </section>
      <section className="section panel" aria-labelledby="tables-title">
        <h2 id="tables-title">Tables</h2>
        <form method="get" action={here} className="toolbar" role="search">
          {Object.entries(keep).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          {state.tsort ? <input type="hidden" name="tsort" value={state.tsort} /> : null}
          <label>
            Filter tables and indexes by name{' '}
            <input name="q" type="search" defaultValue={filter} maxLength={200} />
          </label>
          <button type="submit" className="btn">
            Filter
          </button>
          {filter ? (
            <a href={link({ q: undefined, tpage: undefined, ipage: undefined })}>
              Clear the filter
            </a>
          ) : null}
        </form>
        {tables.total === 0 ? (
          <EmptyState title="No table statistics collected for this database yet">
            Per-table statistics (size, scans, dead tuples, vacuum) appear here once the collector
            has run its table probe in <code>{name}</code> (every 10 minutes).
          </EmptyState>
        ) : (
          <>
            <p className="muted">
              {listCount(tables, 'rows', filter)}
              {!filter && tables.rows.some((t) => t.relname === '(others)')
                ? '; “(others)” sums the tables beyond the sampled largest ones.'
                : ''}
            </p>
            {tables.matched > 0 ? (
              <TableList
                tables={tables.rows}
                sort={sort}
                sortHref={(s) => link({ tsort: s, tpage: undefined })}
                rowHref={(t) =>
                  t.relname === '(others)'
                    ? null
                    : withQuery(tableHref(server.id, name, t.schemaname, t.relname), query)
                }
              />
            ) : null}
            <ListPager
              label="Pages of tables"
              page={tables}
              href={(p) => link({ tpage: pageParam(p) })}
            />
          </>
        )}
      </section>
      <section className="section panel" aria-labelledby="indexes-title">
        <h2 id="indexes-title">Indexes</h2>
        <p>
          <a href={withQuery(`${here}/advice`, query)}>Index advice</a>: what to drop or rebuild,
          with the statement.
        </p>
        {indexes.total === 0 ? (
          <EmptyState title="No index statistics collected for this database yet">
            The collector samples indexes every 15 minutes and checks them for unused, duplicate and
            invalid ones every hour.
          </EmptyState>
        ) : (
          <>
            <p className="muted">{listCount(indexes, 'indexes', filter)}</p>
            {indexes.matched > 0 ? (
              <IndexList
                indexes={indexes.rows}
                rowHref={(i) =>
                  withQuery(indexHref(server.id, name, i.schemaname, i.indexrelname), query)
                }
              />
            ) : null}
            <ListPager
              label="Pages of indexes"
              page={indexes}
              href={(p) => link({ ipage: pageParam(p) })}
            />
          </>
        )}
      </section>
      <div className="grid grid-2 section">
        <section className="panel" aria-labelledby="sequences-title">
          <h2 id="sequences-title">Sequences closest to running out</h2>
          <SequenceList sequences={findings.sequences} />
        </section>
        <section className="panel" aria-labelledby="nopk-title">
          <h2 id="nopk-title">Tables without a primary key</h2>
          <NoPkList tables={findings.withoutPk} />
        </section>
      </div>
      <section className="section panel" aria-labelledby="lint-title">
        <h2 id="lint-title">Configuration and security findings</h2>
        <LintFindings findings={lint} showDatabase={false} />
      </section>
      <section className="section panel" aria-labelledby="ddl-title">
        <h2 id="ddl-title">Schema changes</h2>
        <SchemaChanges changes={changes} what={`${name}`} />
      </section>
    </>
  );
}
