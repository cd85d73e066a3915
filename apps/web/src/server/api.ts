// Route handlers speak the contract through these: the query and body are parsed
// with the endpoint's schemas, the answer is encoded through its response schema
// (a shape the contract does not declare fails here, keys it does not name are
// dropped), lists page with an opaque cursor.
import { ValidationError } from '@pgvigil/db';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import type { Endpoint, PageQuery, QueryOf, ResponseOf } from '@/contract';
import { parseOr400, readJson } from './validate';

/** The endpoint's answer: its status (200, 201) unless `init` says otherwise. */
export function reply<E extends Endpoint & { response: z.ZodType }>(
  e: E,
  data: ResponseOf<E>,
  init: { status?: number; headers?: HeadersInit } = {},
): Response {
  return NextResponse.json(z.encode(e.response, data as never), {
    status: init.status ?? e.status ?? 200,
    ...(init.headers ? { headers: init.headers } : {}),
  });
}

/** 204: done, nothing to say (every DELETE). */
export function noContent(init: { headers?: HeadersInit } = {}): Response {
  return new Response(null, { status: 204, ...(init.headers ? { headers: init.headers } : {}) });
}

/** The query string, parsed with the endpoint's schema; a bad value is a 400 naming it. */
export function readQuery<E extends Endpoint & { query: z.ZodObject }>(
  request: Request,
  e: E,
): QueryOf<E> {
  return parseOr400(e.query, Object.fromEntries(new URL(request.url).searchParams)) as QueryOf<E>;
}

/** The JSON body, parsed with the endpoint's schema. */
export function readBody<E extends Endpoint & { body: z.ZodType }>(
  request: Request,
  e: E,
): Promise<z.output<E['body']>> {
  return readJson(request, e.body) as Promise<z.output<E['body']>>;
}

// ---- cursors ----------------------------------------------------------------

/** Opaque to callers: base64url JSON that only the endpoint that wrote it reads. */
export const encodeCursor = (value: Record<string, number>) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeCursor<S extends z.ZodType>(
  cursor: string | undefined,
  schema: S,
): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError('The cursor is not one this list gave', {
      cursor: "pass the previous page's nextCursor unchanged",
    });
  return parsed.data;
}

const offsetCursor = z.strictObject({ offset: z.number().int().min(1).max(1_000_000) });

/** One page of a list read whole (a registry, a snapshot): an offset cursor. */
export function pageOf<T>(
  items: readonly T[],
  q: PageQuery,
): { items: T[]; nextCursor: string | null } {
  const offset = decodeCursor(q.cursor, offsetCursor)?.offset ?? 0;
  const end = offset + q.limit;
  return {
    items: items.slice(offset, end),
    nextCursor: items.length > end ? encodeCursor({ offset: end }) : null,
  };
}

/**
 * One page of a list the datastore pages: `read` gets one row more than the page
 * to learn whether another follows.
 */
export async function pageByOffset<T>(
  q: PageQuery,
  read: (window: { limit: number; offset: number }) => Promise<readonly T[]>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const offset = decodeCursor(q.cursor, offsetCursor)?.offset ?? 0;
  const rows = await read({ limit: q.limit + 1, offset });
  return {
    items: rows.slice(0, q.limit),
    nextCursor: rows.length > q.limit ? encodeCursor({ offset: offset + q.limit }) : null,
  };
}
