import { readServerReadiness } from '@pgvigil/alerting';
import { AppError } from '@pgvigil/db';
import { decodeSegments, loadServer } from '@/components/dashboard/load';
import { DatabaseTabs } from '@/components/dashboard/database-tabs';
import { databaseHref, serverTrail } from '@/components/dashboard/links';
import { ReadinessReport } from '@/components/dashboard/readiness-report';
import { searchParam, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { ErrorState } from '@/components/shell/states';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';

export const dynamic = 'force-dynamic';

/** Whether the database is ready for logical replication or a migration, read live. */
export default async function ReadinessPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; db: string }>;
  searchParams: SearchParams;
}) {
  const { id, db: rawName } = await params;
  const [name] = decodeSegments(rawName);
  const server = await loadServer(id);
  const here = `${databaseHref(server.id, name)}/readiness`;
  await requirePageUser('editor', here);
  const sp = await searchParams;
  const purpose = sp.for === 'migration' ? 'migration' : 'logical';
  const role = searchParam(sp.role);
  const at = new Date();
  let report: Awaited<ReturnType<typeof readServerReadiness>> | undefined;
  let failure: AppError | undefined;
  try {
    report = await readServerReadiness({
      db: db(),
      secretBox,
      input: {
        serverId: server.id,
        database: name,
        purpose,
        ...(role ? { replicationRole: role } : {}),
      },
      at,
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    failure = err;
  }
  const withPurpose = (p: string) =>
    `${here}?${new URLSearchParams({ for: p, ...(role ? { role } : {}) }).toString()}`;
  return (
    <>
      <PageHeader
        crumbs={[
          ...serverTrail(server),
          { label: server.name, href: `/servers/${server.id}` },
          { label: name, href: databaseHref(server.id, name) },
          { label: 'Readiness' },
        ]}
        title={`Readiness of ${name}`}
        subtitle={`For ${purpose === 'migration' ? 'a migration by logical replication' : 'logical replication'}, read live on ${server.name}`}
        timeRange={false}
      />
      <DatabaseTabs serverId={server.id} database={name} current="readiness" />
      <div className="toolbar section">
        <nav className="segmented" aria-label="Ready for">
          {(['logical', 'migration'] as const).map((p) => (
            <a
              key={p}
              className="seg"
              href={withPurpose(p)}
              {...(p === purpose ? { 'aria-current': 'page' as const } : {})}
            >
              {p === 'logical' ? 'Logical replication' : 'Migration'}
            </a>
          ))}
        </nav>
        <form method="get" action={here} className="toolbar">
          <input type="hidden" name="for" value={purpose} />
          <label>
            Replication role{' '}
            <input name="role" defaultValue={role ?? ''} placeholder="replicator" maxLength={63} />
          </label>
          <button type="submit" className="btn">
            Check
          </button>
        </form>
      </div>
      {report ? (
        <ReadinessReport report={report} server={server.name} generatedAt={at.toISOString()} />
      ) : (
        <ErrorState
          title="The readiness report could not be read"
          message={`${failure?.message ?? ''}${failure?.hint ? ` ${failure.hint}` : ''}`}
        />
      )}
    </>
  );
}
