import type { User } from '@pgvigil/db/accounts';
import { dashboardLinks, type CallContext } from '@pgvigil/mcp';
import type { TokenScope } from '@pgvigil/db';
import { db } from './db';
import { env } from './env';
import { secretBox } from './secret-box';

/** What a tool call runs with: the caller's own role and token scope, audited as them. */
export function mcpContext(
  req: {
    user: User;
    tokenId?: number | undefined;
    tokenScope?: TokenScope | undefined;
    at: Date;
    audit(
      action: string,
      targetType: string,
      targetId?: string | number | null,
      details?: Record<string, unknown>,
    ): Promise<void>;
  },
  via: 'mcp' | 'ask',
): CallContext {
  return {
    db: db(),
    at: req.at,
    links: dashboardLinks(env().PGVIGIL_BASE_URL),
    secretBox,
    caller: {
      userId: req.user.id,
      username: req.user.username,
      role: req.user.role,
      // a metrics-scope token never gets this far (withAuth); anything short of full only reads
      scope: !req.tokenScope || req.tokenScope === 'full' ? 'full' : 'read',
      ...(req.tokenId ? { tokenId: req.tokenId } : {}),
    },
    audit: (tool, details) =>
      req.audit('mcp.call', 'mcp_tool', tool, via === 'ask' ? { ...details, via } : details),
  };
}
