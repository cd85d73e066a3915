import type { z } from 'zod';
import { ValidationError } from '../errors';

/** zod parse whose failure is a ValidationError with one message per field (a 400, not a 500). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    fields[issue.path.join('.') || 'input'] ??= issue.message;
  }
  throw new ValidationError('Invalid request parameters', fields);
}
