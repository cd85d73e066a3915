import type { Queryable } from '../client';
import type { AuthSource } from '../domain';
import { USER_COLUMNS, type User } from './users';

export type SessionWithUser = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  /** how the session was started */
  source: AuthSource;
  user: User;
};

type SessionRow = User & {
  sid: string;
  sCreated: Date;
  sSeen: Date;
  sExpires: Date;
  sSource: AuthSource;
};

/** `idHash` is the sha256 of the cookie value: a datastore leak yields no usable cookie. */
export async function createSession(
  q: Queryable,
  s: {
    idHash: string;
    userId: number;
    at: Date;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
    source?: AuthSource;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent, auth_source)
     VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`,
    [
      s.idHash,
      s.userId,
      s.at,
      s.expiresAt,
      s.ip,
      s.userAgent?.slice(0, 500) ?? null,
      s.source ?? 'local',
    ],
  );
}

/** The session and its user, if it exists, has not expired at `at` and its user is enabled. */
export async function findSession(
  q: Queryable,
  idHash: string,
  at: Date,
): Promise<SessionWithUser | null> {
  const rows = await q.query<SessionRow>(
    `SELECT s.id AS sid, s.created_at AS "sCreated", s.last_seen_at AS "sSeen", s.expires_at AS "sExpires",
            s.auth_source AS "sSource", ${USER_COLUMNS}
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = $1 AND s.expires_at > $2 AND NOT u.disabled`,
    [idHash, at],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.sid,
    createdAt: r.sCreated,
    lastSeenAt: r.sSeen,
    expiresAt: r.sExpires,
    source: r.sSource,
    user: {
      id: r.id,
      username: r.username,
      role: r.role,
      disabled: r.disabled,
      authSource: r.authSource,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    },
  };
}

export async function touchSession(
  q: Queryable,
  idHash: string,
  at: Date,
  expiresAt: Date,
): Promise<void> {
  await q.query('UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1', [
    idHash,
    at,
    expiresAt,
  ]);
}

/** Ends a session; answers how it had been started, or null if there was none. */
export async function deleteSession(q: Queryable, idHash: string): Promise<AuthSource | null> {
  const rows = await q.query<{ source: AuthSource }>(
    'DELETE FROM sessions WHERE id = $1 RETURNING auth_source AS source',
    [idHash],
  );
  return rows[0]?.source ?? null;
}

export async function deleteUserSessions(q: Queryable, userId: number): Promise<void> {
  await q.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

export async function deleteExpiredSessions(q: Queryable, at: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    'WITH d AS (DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d',
    [at],
  );
  return rows[0]?.n ?? 0;
}
