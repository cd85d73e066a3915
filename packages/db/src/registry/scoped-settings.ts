import type { Queryable } from '../client';

/**
 * Settings scoped to a server or cluster point at it by id without a foreign key
 * (one column serves several scopes), so they are removed with it.
 */
export async function deleteScopedSettings(
  q: Queryable,
  scope: 'server' | 'cluster',
  id: number,
): Promise<void> {
  const scopes = scope === 'server' ? ['server', 'database'] : ['cluster'];
  await q.query('DELETE FROM rule_overrides WHERE scope_type = ANY($1) AND scope_id = $2', [
    scopes,
    id,
  ]);
  await q.query('DELETE FROM blackouts WHERE scope_type = ANY($1) AND scope_id = $2', [scopes, id]);
  await q.query('DELETE FROM probe_settings WHERE scope_type = $1 AND scope_id = $2', [scope, id]);
}
