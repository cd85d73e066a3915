import { AppError, EnvError, type Role } from '@pgvigil/db';
import { NextResponse } from 'next/server';
import { ERROR_STATUS, type ErrorBody } from '@/contract/common';

export type { ErrorBody };

/** An error answer; its status is the code's, from the one table in the contract. */
export function errorResponse(body: ErrorBody['error']): NextResponse<ErrorBody> {
  return NextResponse.json({ error: body }, { status: ERROR_STATUS[body.code] });
}

/** The one place errors become HTTP: typed errors keep their meaning, anything else is a 500 without a stack. */
export function toResponse(err: unknown): NextResponse<ErrorBody> {
  if (err instanceof AppError) {
    return errorResponse({
      code: err.code,
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.fields ? { fields: err.fields } : {}),
    });
  }
  if (err instanceof EnvError) {
    return errorResponse({ code: 'misconfigured', message: err.message });
  }
  console.error('unhandled error in API route:', err instanceof Error ? err.message : err);
  return errorResponse({ code: 'internal', message: 'Something went wrong on the server.' });
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
