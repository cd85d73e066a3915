import { dashboardLinks, handleMcpPost, type CallContext } from '@pgvigil/mcp';
import { postMcp } from '@/contract';
import { readBody } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { secretBox } from '@/server/secret-box';

export const dynamic = 'force-dynamic';

/**
 * The MCP endpoint (stateless Streamable HTTP): a thin adapter over @pgvigil/mcp.
 * Any signed-in role (clients send an API token; a session needs this site's
 * Origin, as for every change); each tool checks the role and the token's scope
 * itself, so a read-only token may POST here and still only read.
 */
export const POST = withAuth(
  'viewer',
  async ({ request, user, tokenId, tokenScope, at, audit }) => {
    const body = await readBody(request, postMcp);
    const ctx: CallContext = {
      db: db(),
      at,
      links: dashboardLinks(env().PGVIGIL_BASE_URL),
      secretBox,
      caller: {
        userId: user.id,
        username: user.username,
        role: user.role,
        scope: tokenScope ?? 'full',
        ...(tokenId ? { tokenId } : {}),
      },
      audit: (tool, details) => audit('mcp.call', 'mcp_tool', tool, details),
    };
    // The answer is always JSON; clients that leave out the Accept header the
    // transport insists on still get it.
    const headers = new Headers(request.headers);
    headers.set('accept', 'application/json, text/event-stream');
    headers.set('content-type', 'application/json');
    return handleMcpPost(new Request(request.url, { method: 'POST', headers }), body, ctx);
  },
  { scopeCheckedByHandler: true },
);
