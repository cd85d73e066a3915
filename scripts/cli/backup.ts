// `pgvigil datastore backup <file>` and `pgvigil datastore restore <file>` (the work is
// @pgvigil/db/backup's).
import { backupDatastore, restoreDatastore } from '@pgvigil/db/backup';
import type { CliContext } from './context';

export async function datastoreCommand(
  ctx: CliContext & { url: string; inUse: boolean },
  verb: string | undefined,
  file: string | undefined,
) {
  if (!file || (verb !== 'backup' && verb !== 'restore'))
    throw new Error('usage: pgvigil datastore backup <file> | restore <file>');
  if (verb === 'backup') {
    const b = await backupDatastore(ctx.url, file);
    ctx.out(
      `backed up schema version ${b.schemaVersion}: ${b.tables} tables, ${b.rows} rows in ${b.ms} ms to ${file}`,
    );
    return;
  }
  if (ctx.inUse)
    throw new Error(
      `pgvigil is running on ${ctx.env.home}: stop it first (restore replaces its data), then run this again`,
    );
  const r = await restoreDatastore(ctx.url, file);
  ctx.out(
    `restored the backup of ${r.createdAt} (schema ${r.schemaVersion}, now ${r.nowVersion}); ` +
      `the previous data is kept as database "${r.aside}" (DROP DATABASE it once the restore is checked)`,
  );
}
