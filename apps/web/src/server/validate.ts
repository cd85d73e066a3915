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

const tooLarge = () => new ValidationError(`The body is larger than ${MAX_BODY_BYTES} bytes`);

/**
 * The body as text, read chunk by chunk and abandoned as soon as it passes
 * MAX_BODY_BYTES: a chunked body (no Content-Length) cannot make the server buffer
 * more than the limit.
 */
async function readBounded(request: Request): Promise<string> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError('The body could not be read');
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Reads and validates a JSON body; anything malformed or oversized is a 400, never a 500. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<z.output<S>> {
  const text = await readBounded(request);
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
