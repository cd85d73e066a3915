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
        <h2 id="advice-title">Indexes to drop or rebuild</h2>
        {advice.length === 0 ? (
          <EmptyState title="Nothing to advise">
            No invalid, duplicate, unused or bloated index in the newest samples of this database
            (index health is checked hourly). Missing-index candidates are not proposed yet.
          </EmptyState>
        ) : (
          <>
            <p className="muted">
              {advice.length} piece(s) of advice, freeing about {formatValue(total, 'bytes')}.
              Unused means unscanned on every member of the cluster that reported this database
              since its statistics were reset; nothing here is run by pgvigil.
            </p>
            <div className="table-wrap">
              <table data-testid="index-advice">
                <thead>
                  <tr>
                    <th>Kind</th>
                    <th>Index</th>
                    <th>Table</th>
                    <th className="num">Frees</th>
                    <th>Checked</th>
                    <th>Why</th>
                    <th>Statement</th>
                  </tr>
                </thead>
                <tbody>
                  {advice.map((a) => (
                    <tr key={`${a.kind}:${a.index ?? a.table}`}>
                      <td>{a.kind}</td>
                      <td>{a.index ?? '—'}</td>
                      <td>{a.table}</td>
                      <td className="num">
                        {a.estimatedSavingBytes === undefined
                          ? '—'
                          : formatValue(a.estimatedSavingBytes, 'bytes')}
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
