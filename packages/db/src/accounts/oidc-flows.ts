import type { Queryable } from '../client';

export type OidcFlow = { nonce: string; codeVerifier: string; nextPath: string };

/** Remembers a sign-in sent to the OpenID provider until it returns (or `expiresAt`). */
export async function saveOidcFlow(
  q: Queryable,
  f: OidcFlow & { stateHash: string; at: Date; expiresAt: Date },
): Promise<void> {
  await q.query('DELETE FROM oidc_flows WHERE expires_at <= $1', [f.at]);
  await q.query(
    `INSERT INTO oidc_flows (state_hash, nonce, code_verifier, next_path, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [f.stateHash, f.nonce, f.codeVerifier, f.nextPath, f.expiresAt],
  );
}

/** Takes a pending sign-in by its state, once: a replayed or expired state finds nothing. */
export async function takeOidcFlow(
  q: Queryable,
  stateHash: string,
  at: Date,
): Promise<OidcFlow | null> {
  const rows = await q.query<OidcFlow & { expiresAt: Date }>(
    `DELETE FROM oidc_flows WHERE state_hash = $1
     RETURNING nonce, code_verifier AS "codeVerifier", next_path AS "nextPath", expires_at AS "expiresAt"`,
    [stateHash],
  );
  const r = rows[0];
  if (!r || r.expiresAt <= at) return null;
  return { nonce: r.nonce, codeVerifier: r.codeVerifier, nextPath: r.nextPath };
}
