import { getLiveActivity, type BlockingNode } from '@pgvigil/db/dashboard';
import { z } from 'zod';
import { defineTool } from '../tool';
import { serverId } from './inputs';

const count = (nodes: readonly BlockingNode[]): number =>
  nodes.reduce((n, b) => n + b.blocks.length + count(b.blocks), 0);

export const blockingNow = defineTool({
  name: 'blocking_now',
  title: 'Blocking now',
  description:
    "Who blocks whom on a server, from the newest sample (every 15 s): a tree whose roots block others and wait for nobody, with each session's query, state and how long it has waited.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({ serverId }),
  example: { serverId: 1 },
  async run({ db, at, links }, i) {
    const a = await getLiveActivity({ db, input: { serverId: i.serverId, limit: 1 }, at });
    const blocked = count(a.blockingTree);
    return {
      summary: blocked
        ? `${blocked} sessions blocked behind ${a.blockingTree.map((r) => `pid ${r.pid}`).join(', ')}.`
        : 'Nobody is blocked.',
      data: { sampledAt: a.blockingAt, blocked, tree: a.blockingTree },
      links: [{ label: 'Server (locks)', url: links.server(i.serverId) }],
    };
  },
});

export const liveSessions = defineTool({
  name: 'live_sessions',
  title: 'Live sessions',
  description:
    "A server's sessions from the newest sample (every 15 s), busiest first: active, then open transactions, longest first, with state, wait event, query and durations.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    limit: z.number().int().min(1).max(500).optional().describe('default 50'),
    state: z.string().max(50).optional().describe("only this state, e.g. 'idle in transaction'"),
  }),
  example: { serverId: 1, state: 'idle in transaction' },
  async run({ db, at, links }, i) {
    const a = await getLiveActivity({ db, input: { serverId: i.serverId, limit: 500 }, at });
    const sessions = (i.state ? a.sessions.filter((s) => s.state === i.state) : a.sessions).slice(
      0,
      i.limit ?? 50,
    );
    return {
      summary: `${sessions.length} of ${a.totalSessions} sessions.`,
      data: { sampledAt: a.sessionsAt, totalSessions: a.totalSessions, sessions },
      links: [{ label: 'Server (sessions)', url: links.server(i.serverId) }],
    };
  },
});
