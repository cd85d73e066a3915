import { compareServerDatabases } from '@pgvigil/alerting';
import { AppError } from '@pgvigil/db';
import { listServers } from '@pgvigil/db/registry';
import { Comparison } from '@/components/dashboard/comparison';
import { DatabaseTabs } from '@/components/dashboard/database-tabs';
import { decodeSegments, loadServer } from '@/components/dashboard/load';
import { databaseHref, serverTrail } from '@/components/dashboard/links';
import { searchParam, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState, ErrorState } from '@/components/shell/states';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';

export const dynamic = 'force-dynamic';

/** This database (the source) against a database of another registered server, read live. */
export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string }>;
  searchParams: SearchParams;
}) {
  const { id, db: rawName } = await params;
  const [name] = decodeSegments(rawName);
  const server = await loadServer(id);
  const here = `${databaseHref(server.id, name)}/compare`;
  await requirePageUser('editor', here);
  const sp = await searchParams;
  const servers = await listServers(db());
  const withId = Number(searchParam(sp.with));
  const target = servers.find((s) => s.id === withId);
  const targetDatabase = searchParam(sp.targetDatabase);
  const exact = sp.exact === '1';
  let comparison: Awaited<ReturnType<typeof compareServerDatabases>> | undefined;
  let failure: AppError | undefined;
  if (target) {
    try {
      comparison = await compareServerDatabases({
        db: db(),
        secretBox,
        input: {
          serverId: server.id,
          withServerId: target.id,
          database: name,
          ...(targetDatabase ? { targetDatabase } : {}),
          exact,
        },
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failure = err;
    }
  }
  return (
    <>
      <PageHeader
        crumbs={[
          ...serverTrail(server),
          { label: server.name, href: `/servers/${server.id}` },
          { label: name, href: databaseHref(server.id, name) },
          { label: 'Compare' },
        ]}
        title={`Compare ${name}`}
        subtitle={`${server.name} is the source; pick the target`}
        timeRange={false}
      />
      <DatabaseTabs serverId={server.id} database={name} current="compare" />
      <form method="get" action={here} className="toolbar section">
        <label>
          Target server{' '}
          <select name="with" className="select" defaultValue={target ? String(target.id) : ''}>
            <option value="">choose…</option>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Target database{' '}
          <input name="targetDatabase" defaultValue={targetDatabase ?? ''} placeholder={name} />
        </label>
        <label>
          <input type="checkbox" name="exact" value="1" defaultChecked={exact} /> Exact row counts
          (5 s a table)
        </label>
        <button type="submit" className="btn btn-primary">
          Compare
        </button>
      </form>
      {comparison && target ? (
        <Comparison c={comparison} sourceName={server.name} targetName={target.name} />
      ) : failure ? (
        <ErrorState
          title="The compare could not be read"
          message={`${failure.message}${failure.hint ? ` ${failure.hint}` : ''}`}
        />
      ) : (
        <EmptyState title="Pick a target server">
          The compare reads both databases live: schema differences, rows per table, sequences
          behind on the target, and the lag of a subscription between them.
        </EmptyState>
      )}
    </>
  );
}
