// `pgvigil token revoke <id>`: any user's API token, by the id the Tokens page shows.
import { recordAudit, revokeTokenById } from '@pgvigil/db/accounts';
import type { CliContext } from './context';

export async function tokenCommand(
  ctx: CliContext,
  verb: string | undefined,
  id: string | undefined,
) {
  if (verb !== 'revoke' || !id || !/^\d+$/.test(id))
    throw new Error('usage: pgvigil token revoke <id>');
  const at = new Date();
  const token = await revokeTokenById(ctx.db, Number(id), at);
  await recordAudit(ctx.db, {
    at,
    actorUserId: null,
    actor: 'pgvigil-cli',
    action: 'token.revoke',
    targetType: 'api_token',
    targetId: token.id,
  });
  ctx.out(`revoked token ${token.id} (${token.prefix}…, "${token.name}")`);
}
