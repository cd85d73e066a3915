import { AppError, EnvError, type Role } from '@pgvigil/db';
import { NextResponse } from 'next/server';

const STATUS: Record<string, number> = {
  not_found: 404,
  conflict: 409,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  datastore_unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; hint?: string; fields?: Record<string, string> };
}

export function errorResponse(status: number, body: ErrorBody['error']): NextResponse<ErrorBody> {
  return NextResponse.json({ error: body }, { status });
}

/** The one place errors become HTTP: typed errors keep their meaning, anything else is a 500 without a stack. */
export function toResponse(err: unknown): NextResponse<ErrorBody> {
  if (err instanceof AppError) {
    return errorResponse(STATUS[err.code] ?? 400, {
      code: err.code,
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.fields ? { fields: err.fields } : {}),
    });
  }
  if (err instanceof EnvError) {
    return errorResponse(500, { code: 'misconfigured', message: err.message });
  }
  console.error('unhandled error in API route:', err instanceof Error ? err.message : err);
  return errorResponse(500, { code: 'internal', message: 'Something went wrong on the server.' });
}

/**
 * Who may call a route handler. Every exported handler carries one (a test walks
 * the app folder and fails on a handler without it): `withAuth` sets the minimum
 * role, `publicRoute` says why no session is needed.
 */
export type Access = { kind: 'public'; why: string } | { kind: 'role'; minRole: Role };

/** A handler that anyone may call (health, sign-in, first-run setup), with the reason. */
export function publicRoute<A extends unknown[]>(
  why: string,
  handler: (...args: A) => Promise<Response>,
) {
  return Object.assign(route(handler), { access: { kind: 'public', why } satisfies Access });
}

/** Wraps a route handler so every thrown error goes through toResponse. */
export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (err) {
      return toResponse(err);
    }
  };
}
