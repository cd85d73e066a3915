import { NotFoundError } from '@pgvigil/db';
import {
  OTHERS_QUERYID,
  getQueryHistory,
  getStatementDetail,
  getStatementResources,
  listQueryPlans,
} from '@pgvigil/db/dashboard';
import { QueryCharts, QueryTotals } from '@/components/dashboard/query-history';
import { QueryPlans } from '@/components/dashboard/query-plans';
import { StatementDetailFacts } from '@/components/dashboard/statement-detail';
import { StatementResourcesFacts } from '@/components/dashboard/resources';
import { decodeSegments, loadServer } from '@/components/dashboard/load';
import { pageWindow, searchParam, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { db } from '@/server/db';
import { serverTrail } from '@/components/dashboard/links';

export default async function QueryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; queryid: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const p = await params;
  const [queryid] = decodeSegments(p.queryid);
  const server = await loadServer(p.id);
  const { w, query, window } = await pageWindow(searchParams, now);
  // The layout checked pgvigil saw the statement; with no text stored yet and no run
  // in this window there is nothing to show for the window, which is not a 404.
  const history = await getQueryHistory({
    db: db(),
    input: { serverId: server.id, queryid, from: w.from, to: w.to },
  }).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  const others = queryid === OTHERS_QUERYID;
  const [plans, detail, resources] = others
    ? [null, null, null]
    : await Promise.all([
        listQueryPlans({ db: db(), input: { serverId: server.id, queryid } }),
        getStatementDetail({ db: db(), input: { serverId: server.id, queryid } }),
        getStatementResources({
          db: db(),
          input: { serverId: server.id, queryid, from: w.from, to: w.to },
        }),
      ]);
  const sp = await searchParams;
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: `/servers/${server.id}` },
    { label: others ? 'Other statements' : `Query ${queryid}` },
  ];
  const dbs = history?.databases.length ? (
    <>
      {' · '}
      {history.databases.length === 1 ? 'database ' : 'databases '}
      {history.databases.map((d, n) => (
        <span key={d.dbid}>
          {n > 0 ? ', ' : ''}
          {d.name ? (
            <a
              href={`/servers/${server.id}/databases/${encodeURIComponent(d.name)}${query ? `?${query}` : ''}`}
            >
              {d.name}
            </a>
          ) : (
            `oid ${d.dbid}`
          )}
        </span>
      ))}
    </>
  ) : null;
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={others ? 'Other statements' : 'Query'}
        subtitle={
          <>
            {others ? 'all statements beyond the 50 stored per minute' : `queryid ${queryid}`} on{' '}
            {server.name}
            {dbs}
          </>
        }
        query={query}
      />
      <section className="panel" aria-labelledby="query-text">
        <h2 id="query-text">Normalized text</h2>
        {history?.query ? (
          <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="query-text">
            {history.query}
          </pre>
        ) : (
          <p className="muted">
            {others
              ? 'The sum of every statement outside the top 50 of each minute: no single text.'
              : 'Not fetched yet: the collector reads texts of new statements on its next run.'}
          </p>
        )}
      </section>
      <section className="section panel" aria-labelledby="query-totals">
        <h2 id="query-totals">In this window</h2>
        {history ? (
          <QueryTotals history={history} />
        ) : (
          <EmptyState title="Did not run in this window">
            pgvigil saw this statement before, but not in this time range. Widen the range.
          </EmptyState>
        )}
      </section>
      {history ? (
        <section className="section" aria-label="Charts">
          <QueryCharts serverId={server.id} history={history} window={window} />
        </section>
      ) : null}
      {history && resources ? (
        <section className="section panel" aria-labelledby="resources-title">
          <h2 id="resources-title">CPU, I/O and waits in this window</h2>
          <StatementResourcesFacts resources={resources} execTimeMs={history.totals.totalTimeMs} />
        </section>
      ) : null}
      {detail ? (
        <section className="section panel" aria-labelledby="detail-title">
          <h2 id="detail-title">Since the last reset</h2>
          <StatementDetailFacts detail={detail} />
        </section>
      ) : null}
      {plans ? (
        <section className="section panel" aria-labelledby="plans-title" id="plans">
          <h2 id="plans-title">Plans</h2>
          <QueryPlans
            plans={plans.plans}
            selected={{ a: searchParam(sp.planA), b: searchParam(sp.planB) }}
            keep={query}
          />
        </section>
      ) : null}
    </>
  );
}
