import { getIndexAdvice } from '@pgvigil/db/dashboard';
import { INDEX_ADVICE_KINDS } from '@pgvigil/schema';
import { z } from 'zod';
import { defineTool } from '../tool';
import { database, serverId } from './inputs';
import { databaseOf } from './objects';

export const indexAdvice = defineTool({
  name: 'index_advice',
  title: 'Index advice',
  description:
    "What to do with the indexes of a database, from the newest samples: drop invalid, duplicate (same definition or a column prefix of another) and unused indexes (unused on every cluster member that reported; `verified: false` when one did not), REINDEX bloated ones, create missing ones (kind `missing`: from the top statements' predicates over sequentially scanned tables; `verified: true` with costBefore/costAfter when hypopg proved the estimated cost falls). Each with the statement (DROP INDEX CONCURRENTLY / REINDEX INDEX CONCURRENTLY / CREATE INDEX CONCURRENTLY) and the bytes it frees. Nothing is run.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    database: database.optional().describe("default: the server's registered database"),
    kinds: z.array(z.enum(INDEX_ADVICE_KINDS)).optional().describe('only advice of these kinds'),
  }),
  example: { serverId: 1, database: 'app', kinds: ['unused', 'duplicate'] },
  async run({ db, at, links }, i) {
    const name = await databaseOf(db, i.serverId, i.database);
    const { advice } = await getIndexAdvice({
      db,
      input: { serverId: i.serverId, database: name },
      at,
    });
    const wanted = i.kinds ? advice.filter((a) => i.kinds!.includes(a.kind)) : advice;
    const bytes = wanted.reduce((s, a) => s + (a.estimatedSavingBytes ?? 0), 0);
    return {
      summary: `${wanted.length} piece(s) of index advice in ${name}, freeing about ${Math.round(bytes / 1024 ** 2)} MiB.`,
      data: { database: name, advice: wanted },
      links: [{ label: `Advice for ${name}`, url: `${links.database(i.serverId, name)}/advice` }],
    };
  },
});
