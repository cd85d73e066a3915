import { getIndexAdvice } from '@pgvigil/db/dashboard';
import { formatValue } from '@pgvigil/schema';
import { databaseHref, serverTrail, withQuery } from '@/components/dashboard/links';
import { decodeSegments, loadServer } from '@/components/dashboard/load';
import { pageWindow, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { db } from '@/server/db';

export default async function AdvicePage({
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
  const { query } = await pageWindow(searchParams, now);
  const { advice } = await getIndexAdvice({
    db: db(),
    input: { serverId: server.id, database: name },
    at: now,
  });
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: `/servers/${server.id}` },
    { label: name, href: withQuery(databaseHref(server.id, name), query) },
    { label: 'Advice' },
  ];
  const total = advice.reduce((s, a) => s + (a.estimatedSavingBytes ?? 0), 0);
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title="Index advice"
        subtitle={`${name} on ${server.name}`}
        query={query}
      />
      <section className="panel" aria-labelledby="advice-title">
        <h2 id="advice-title">Indexes to drop, rebuild or create</h2>
        {advice.length === 0 ? (
          <EmptyState title="Nothing to advise">
            No invalid, duplicate, unused or bloated index in the newest samples of this database
            (index health is checked hourly), and no missing index found for its top statements.
          </EmptyState>
        ) : (
          <>
            <p className="muted">
              {advice.length} piece(s) of advice, freeing about {formatValue(total, 'bytes')}.
              Unused means unscanned on every member of the cluster that reported this database
              since its statistics were reset; a missing index is checked when hypopg proved that
              its statement's estimated cost falls. Nothing here is run by pgvigil.
            </p>
            <div className="table-wrap">
              <table data-testid="index-advice">
                <thead>
                  <tr>
                    <th>Kind</th>
                    <th>Index</th>
                    <th>Table</th>
                    <th className="num">Frees</th>
                    <th className="num">Est. cost</th>
                    <th>Checked</th>
                    <th>Why</th>
                    <th>Statement</th>
                  </tr>
                </thead>
                <tbody>
                  {advice.map((a) => (
                    <tr key={`${a.kind}:${a.index ?? a.table}:${a.columns?.join(',') ?? ''}`}>
                      <td>{a.kind}</td>
                      <td>{a.index ?? (a.columns ? `(${a.columns.join(', ')})` : '—')}</td>
                      <td>{a.table}</td>
                      <td className="num">
                        {a.estimatedSavingBytes === undefined
                          ? '—'
                          : formatValue(a.estimatedSavingBytes, 'bytes')}
                      </td>
                      <td className="num">
                        {a.costBefore === undefined || a.costAfter === undefined
                          ? '—'
                          : `${formatValue(a.costBefore, 'count')} → ${formatValue(a.costAfter, 'count')}`}
                      </td>
                      <td>{a.verified ? 'yes' : 'unverified'}</td>
                      <td>{a.detail}</td>
                      <td>
                        <code>{a.statement}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}
