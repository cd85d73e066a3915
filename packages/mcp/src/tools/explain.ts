// EXPLAIN on the monitored server: the plan only (never ANALYZE), in a read-only
// transaction with short timeouts, through the collector's own connection code so
// the outbound policy and the stored-secret rules apply. One statement only: the
// extended protocol refuses a second one, so nothing can follow the EXPLAIN. A
// generic plan must go by the simple protocol (with the extended one the server
// would take $1 as a parameter of the EXPLAIN itself), so there no `;` may appear
// at all: without one the server parses exactly one statement.
import { NotFoundError } from '@pgvigil/db';
import { readQueryText } from '@pgvigil/db/dashboard';
import { getServerConnection } from '@pgvigil/db/registry';
import { closeSession, connectTarget, connectionSettingsSchema } from '@pgvigil/probes';
import { z } from 'zod';
import { defineTool, ToolError } from '../tool';
import { database, serverId } from './inputs';

export const EXPLAIN_STATEMENT_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
const PARAM = /\$\d+/;

export const explainQuery = defineTool({
  name: 'explain_query',
  title: 'Explain a query',
  description:
    'The plan of one statement on the monitored server: EXPLAIN (FORMAT JSON), never ANALYZE, so nothing runs. Give the SQL, or a queryid from top_queries (its stored normalized text). Statements with $1 placeholders use GENERIC_PLAN (PostgreSQL 16+). Read-only transaction, 5 s statement timeout. Editors and admins only.',
  minRole: 'editor',
  access: 'act',
  input: z
    .object({
      serverId,
      statement: z.string().min(1).max(100_000).optional().describe('the SQL, without EXPLAIN'),
      queryid: z
        .string()
        .regex(/^-?\d{1,20}$/)
        .optional()
        .describe('a queryid from top_queries'),
      database: database.optional().describe("default: the server's registered database"),
    })
    .refine((i) => (i.statement === undefined) !== (i.queryid === undefined), {
      message: 'give either `statement` or `queryid`',
      path: ['statement'],
    }),
  example: {
    serverId: 1,
    statement: 'SELECT * FROM orders WHERE customer_id = $1',
    database: 'app',
  },
  async run({ db, secretBox, links }, i) {
    const text = i.statement ?? (await readQueryText(db, i.serverId, i.queryid!));
    if (!text)
      throw new ToolError(`No stored text for query ${i.queryid}.`, 'Pass the SQL as `statement`.');
    const statement = text.trim().replace(/;\s*$/, '');
    if (/^explain\b/i.test(statement))
      throw new ToolError('Give the statement without EXPLAIN; this tool adds it (never ANALYZE).');
    const stored = await getServerConnection(db, await secretBox(), i.serverId).catch(
      (err: unknown) => {
        if (err instanceof NotFoundError)
          throw new ToolError(`Server ${i.serverId} was not found.`);
        throw err;
      },
    );
    const settings = connectionSettingsSchema.parse({
      ...stored,
      dbname: i.database ?? stored.dbname,
    });
    const connected = await connectTarget(settings, {
      applicationName: 'pgvigil explain',
      statementTimeoutMs: EXPLAIN_STATEMENT_TIMEOUT_MS,
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
    if (!connected.ok)
      throw new ToolError(
        `Cannot reach the server: ${connected.failure.cause}`,
        connected.failure.fix,
      );
    const { client, serverVersionNum } = connected.connection;
    const generic = PARAM.test(statement);
    let broken = false;
    try {
      if (generic && serverVersionNum < 160000)
        throw new ToolError(
          `This statement has $n placeholders; planning it without values needs PostgreSQL 16 (GENERIC_PLAN), and this server runs ${Math.floor(serverVersionNum / 10000)}.`,
          'Put literal values in place of the placeholders.',
        );
      if (generic && statement.includes(';'))
        throw new ToolError(
          'A statement with $n placeholders may not contain `;` (one statement only).',
          'Remove the semicolon, or put literal values in place of the placeholders.',
        );
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${EXPLAIN_STATEMENT_TIMEOUT_MS}`);
      await client.query('SET LOCAL lock_timeout = 1000');
      const options = generic ? 'FORMAT JSON, GENERIC_PLAN' : 'FORMAT JSON';
      // queryMode is in pg's runtime, not in its type declarations
      const query = {
        text: `EXPLAIN (${options}) ${statement}`,
        queryMode: generic ? 'simple' : 'extended',
      };
      const r = await client
        .query<{ 'QUERY PLAN': unknown }>(query as { text: string })
        .catch((err: unknown) => {
          const e = err as { code?: string; message?: string };
          // a statement the server refuses (syntax, unknown table, timeout): the caller's to fix
          if (typeof e.code === 'string' && !e.code.startsWith('08'))
            throw new ToolError(`PostgreSQL refused the EXPLAIN (${e.code}): ${e.message ?? ''}`);
          broken = true;
          throw err;
        });
      await client.query('ROLLBACK');
      const plan = (
        r.rows[0]?.['QUERY PLAN'] as { Plan?: Record<string, unknown> }[] | undefined
      )?.[0];
      const top = plan?.Plan ?? {};
      return {
        summary: `${String(top['Node Type'] ?? 'plan')}: cost ${String(top['Total Cost'] ?? '?')}, ${String(top['Plan Rows'] ?? '?')} rows estimated${generic ? ' (generic plan)' : ''}.`,
        data: {
          serverVersionNum,
          database: settings.dbname,
          genericPlan: generic,
          statement,
          plan,
        },
        links: [
          i.queryid
            ? { label: 'Statement', url: links.query(i.serverId, i.queryid) }
            : { label: 'Server', url: links.server(i.serverId) },
        ],
      };
    } finally {
      await closeSession(client, { broken });
    }
  },
});
