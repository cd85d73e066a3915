import type { Queryable } from './client';
import { ident } from './client';
import type { SecretBox } from './secret-box';

/**
 * Every column that holds a sealed secret, with the context it is sealed under. A
 * test checks this list against the datastore's `*_enc` columns, so a new secret
 * column cannot be forgotten by key rotation.
 */
export const SEALED_COLUMNS = [
  { table: 'servers', key: 'id', column: 'password_enc', context: 'servers.password' },
  { table: 'servers', key: 'id', column: 'ssl_key_enc', context: 'servers.ssl_key' },
  {
    table: 'servers',
    key: 'id',
    column: 'ssh_private_key_enc',
    context: 'servers.ssh_private_key',
  },
  { table: 'servers', key: 'id', column: 'ssh_passphrase_enc', context: 'servers.ssh_passphrase' },
  { table: 'channels', key: 'id', column: 'secret_enc', context: 'channels.secret' },
  // one row: pgvigil's own SSH key pair
  {
    table: 'ssh_installation_key',
    key: 'singleton',
    column: 'private_key_enc',
    context: 'ssh_installation_key.private_key',
  },
] as const;

export type SealedCounts = Record<string, { total: number; resealed: number }>;

/** The key id a sealed value names (`pgv1.<key id>.<...>`). */
const keyIdOfSealed = (sealed: string) => sealed.split('.')[1] ?? '';

/**
 * Re-seals every stored secret under `box`'s primary key, opening each with whichever
 * configured key sealed it (primary or PGVIGIL_SECRET_KEY_PREVIOUS). One transaction:
 * if any secret cannot be opened, nothing changes and the error says which. Rows are
 * locked while rewritten, so an app writing a secret meanwhile waits, then wins.
 */
export async function resealSecrets(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  box: SecretBox,
): Promise<SealedCounts> {
  return db.tx(async (q) => {
    const counts: SealedCounts = {};
    for (const { table, key, column, context } of SEALED_COLUMNS) {
      const rows = await q.query<{ id: number | boolean; sealed: string }>(
        `SELECT ${ident(key)} AS id, ${ident(column)} AS sealed FROM ${ident(table)}
          WHERE ${ident(column)} IS NOT NULL ORDER BY 1 FOR UPDATE`,
      );
      let resealed = 0;
      for (const row of rows) {
        if (keyIdOfSealed(row.sealed) === box.keyId) continue;
        let plain: string;
        try {
          plain = box.open(row.sealed, context);
        } catch (err) {
          throw new Error(
            `${table}.${column} of row ${String(row.id)} cannot be opened: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        await q.query(`UPDATE ${ident(table)} SET ${ident(column)} = $2 WHERE ${ident(key)} = $1`, [
          row.id,
          box.seal(plain, context),
        ]);
        resealed++;
      }
      counts[`${table}.${column}`] = { total: rows.length, resealed };
    }
    return counts;
  });
}

/** How many stored secrets each key id sealed: after a rotation only the primary's remain. */
export async function sealedByKey(q: Queryable): Promise<Record<string, number>> {
  const byKey: Record<string, number> = {};
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await q.query<{ sealed: string }>(
      `SELECT ${ident(column)} AS sealed FROM ${ident(table)} WHERE ${ident(column)} IS NOT NULL`,
    );
    for (const r of rows) {
      const id = keyIdOfSealed(r.sealed);
      byKey[id] = (byKey[id] ?? 0) + 1;
    }
  }
  return byKey;
}
