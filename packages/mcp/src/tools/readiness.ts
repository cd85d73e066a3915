// Readiness for logical replication or a migration, read live on the monitored
// server by the same verb as the web API: an editor's tool, like explain_query.
import { NotFoundError } from '@pgvigil/db';
import { readServerReadiness } from '@pgvigil/alerting';
import { READINESS_PURPOSES } from '@pgvigil/schema';
import { z } from 'zod';
import { defineTool, ToolError } from '../tool';
import { database, serverId } from './inputs';

export const readiness = defineTool({
  name: 'readiness',
  title: 'Replication and migration readiness',
  description:
    'Whether a database is ready for logical replication (`for: logical`) or a migration by it (`for: migration`): server settings, free slots and senders, roles, publications, tables without a primary key or replica identity, unlogged tables, large objects, sequences, generated columns, triggers, recent DDL, TOAST, extensions, column types, existing slots and the initial copy. Each check has a status (ok, warning, blocker), a detail, fix SQL and the objects concerned; the verdict is ready, ready_with_warnings or blocked. Read live in one read-only session. Editors and admins only.',
  minRole: 'editor',
  access: 'act',
  input: z.object({
    serverId,
    database,
    for: z.enum(READINESS_PURPOSES).default('logical').describe('logical (default) or migration'),
    replicationRole: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe('the role the subscriber will connect as, to check its attributes'),
  }),
  example: { serverId: 1, database: 'app', for: 'migration' },
  async run({ db, secretBox, links, at }, i) {
    const report = await readServerReadiness({
      db,
      secretBox,
      input: {
        serverId: i.serverId,
        database: i.database,
        purpose: i.for,
        ...(i.replicationRole !== undefined ? { replicationRole: i.replicationRole } : {}),
      },
      at,
    }).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new ToolError(`Server ${i.serverId} was not found.`);
      throw err;
    });
    const of = (status: string) => report.checks.filter((c) => c.status === status);
    const named = (status: string) =>
      of(status).length
        ? ` (${of(status)
            .map((c) => c.key)
            .join(', ')})`
        : '';
    return {
      summary: `${report.verdict}: ${of('blocker').length} blockers${named('blocker')}, ${of('warning').length} warnings${named('warning')}.`,
      data: { ...report },
      links: [
        {
          label: 'Readiness',
          url: `${links.database(i.serverId, i.database)}/readiness?for=${i.for}`,
        },
      ],
    };
  },
});
