// `pgvigil key rotate`: re-seals every stored secret under PGVIGIL_SECRET_KEY. The
// running apps already know both keys (the new one, and the old one listed in
// PGVIGIL_SECRET_KEY_PREVIOUS), so nothing stops reading secrets at any moment.
import { resealSecrets, sealedByKey } from '@pgvigil/db';
import { recordAudit } from '@pgvigil/db/accounts';
import type { CliContext } from './context';

export async function keyCommand(ctx: CliContext, verb: string | undefined) {
  if (verb !== 'rotate') throw new Error('usage: pgvigil key rotate');
  if (!ctx.env.PGVIGIL_SECRET_KEY_PREVIOUS)
    throw new Error(
      'Set the new key as PGVIGIL_SECRET_KEY and the old one in PGVIGIL_SECRET_KEY_PREVIOUS, restart pgvigil ' +
        'with them, then run this again (docs/security.md, "Rotating the secret key").',
    );
  const box = await ctx.secretBox();
  const counts = await resealSecrets(ctx.db, box);
  const total = Object.values(counts).reduce((n, c) => n + c.resealed, 0);
  await recordAudit(ctx.db, {
    at: new Date(),
    actorUserId: null,
    actor: 'pgvigil-cli',
    action: 'secrets.rotate',
    targetType: 'secret_key',
    targetId: box.keyId,
    details: { resealed: total },
  });
  for (const [column, c] of Object.entries(counts))
    ctx.out(`${column}: ${c.resealed} of ${c.total} re-sealed`);
  const left = Object.entries(await sealedByKey(ctx.db)).filter(([id]) => id !== box.keyId);
  if (left.length)
    throw new Error(
      `secrets still under other keys: ${left.map(([id, n]) => `${id} (${n})`).join(', ')}`,
    );
  ctx.out(
    `every secret is now under key ${box.keyId}; PGVIGIL_SECRET_KEY_PREVIOUS can be removed at the next restart`,
  );
}
