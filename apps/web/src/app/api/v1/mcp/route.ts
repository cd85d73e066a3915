import { handleMcpPost } from '@pgvigil/mcp';
import { postMcp } from '@/contract';
import { readBody } from '@/server/api';
import { withAuth } from '@/server/auth';
import { mcpContext } from '@/server/mcp-context';

export const dynamic = 'force-dynamic';

/**
 * The MCP endpoint (stateless Streamable HTTP): a thin adapter over @pgvigil/mcp.
 * Any signed-in role (clients send an API token; a session needs this site's
 * Origin, as for every change); each tool checks the role and the token's scope
 * itself, so a read-only token may POST here and still only read.
 */
export const POST = withAuth(
  'viewer',
  async (req) => {
    const body = await readBody(req.request, postMcp);
    // The answer is always JSON; clients that leave out the Accept header the
    // transport insists on still get it.
    const headers = new Headers(req.request.headers);
    headers.set('accept', 'application/json, text/event-stream');
    headers.set('content-type', 'application/json');
    const request = new Request(req.request.url, { method: 'POST', headers });
    return handleMcpPost(request, body, mcpContext(req, 'mcp'));
  },
  { scopeCheckedByHandler: true },
);
