import pg from 'pg';
import type { ErrorCode } from '@pgvigil/schema';

/**
 * Typed errors the apps map to HTTP once, at their edge. Postgres errors are
 * classified by SQLSTATE, never by message text.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFoundError extends AppError {
  constructor(what: string, hint?: string) {
    super('not_found', `${what} was not found`, hint);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, hint?: string) {
    super('conflict', message, hint);
  }
}
export class ValidationError extends AppError {
  constructor(message: string, fields?: Record<string, string>, hint?: string) {
    super('validation_failed', message, hint, fields);
  }
}
export class UnavailableError extends AppError {
  constructor(message: string, hint?: string) {
    super('datastore_unavailable', message, hint);
  }
}

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
  column?: string;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as PgLikeError).code : undefined;
}

/**
 * A failure of the driver rather than of a statement: the connection was cut
 * ("Connection terminated unexpectedly"), a connect timed out, the pool could not
 * open a session. The driver gives these no code; what is not a server's
 * DatabaseError, not a programming error and not ours is the connection's.
 */
function isDriverConnectionError(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof pg.DatabaseError || err instanceof AppError) {
    return false;
  }
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
    return false;
  }
  return sqlState(err) === undefined;
}

/**
 * For errors straight from the driver (a query, a connect, BEGIN or COMMIT, a COPY
 * stream): like mapPgError, and a lost connection is an UnavailableError too.
 */
export function mapClientError(err: unknown): unknown {
  if (isDriverConnectionError(err)) {
    return new UnavailableError(
      'The connection to the datastore was lost',
      'Check DATABASE_URL and that the server is running.',
    );
  }
  return mapPgError(err);
}

/**
 * Worth retrying as it is: the datastore is away, or up but short of a resource
 * (53: disk full, out of memory, too many connections; 58: I/O error), busy
 * (40001, 40P01, 55P03), cancelled by a timeout (57014) or read-only (25006: a
 * standby, after a failover the primary is looked for again). Anything else (a
 * value the table refuses) would fail the same way again.
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof UnavailableError) return true;
  const code = sqlState(err);
  if (!code) return false;
  return (
    code.startsWith('53') ||
    code.startsWith('58') ||
    ['25006', '40001', '40P01', '55P03', '57014'].includes(code)
  );
}

/** Turns a pg error into a typed AppError; anything unknown is returned unchanged. */
export function mapPgError(err: unknown): unknown {
  const code = sqlState(err);
  if (!code) return err;
  const constraint = (err as PgLikeError).constraint;
  if (code === '23505')
    return new ConflictError(`Duplicate value violates ${constraint ?? 'a unique rule'}`);
  if (code === '23503')
    return new ConflictError(
      `Referenced row is missing or still in use (${constraint ?? 'foreign key'})`,
    );
  if (code === '23514' || code === '23502' || code.startsWith('22')) {
    return new ValidationError(`Value rejected by the datastore (${constraint ?? code})`);
  }
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    CONNECTION_CODES.has(code)
  ) {
    return new UnavailableError(
      'The datastore is unreachable',
      'Check DATABASE_URL and that the server is running.',
    );
  }
  return err;
}
