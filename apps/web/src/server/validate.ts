import { ValidationError } from '@pgvigil/db';
import type { z } from 'zod';

/** Bodies above this are refused before parsing. */
export const MAX_BODY_BYTES = 1_000_000;

/** zod issues as `{ "a.b": "message" }`, the shape of `error.fields`. */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(body)';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError('The request is not valid', fieldsOf(result.error));
  return result.data;
}

/** Reads and validates a JSON body; anything malformed or oversized is a 400, never a 500. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<z.output<S>> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES)
    throw new ValidationError(`The body is larger than ${MAX_BODY_BYTES} bytes`);
  let text: string;
  try {
    text = await request.text();
  } catch {
    throw new ValidationError('The body could not be read');
  }
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ValidationError(`The body is larger than ${MAX_BODY_BYTES} bytes`);
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON', { '(body)': 'not valid JSON' });
  }
  return parseOr400(schema, value);
}

/** A positive integer id from a path segment, or 404 (an id that cannot exist is simply not found). */
export function idParam(value: string | undefined, what: string): number {
  const id = Number(value);
  if (!value || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id) || id < 1) {
    throw new ValidationError(`${what} id must be a positive integer`, {
      id: 'must be a positive integer',
    });
  }
  return id;
}
