// Building blocks of the /api/v1 contract. This folder is browser-safe: it imports
// zod and @pgvigil/schema only, so client components take their types from it.
import { ERROR_CODES, ROLES, type ErrorCode, type Role } from '@pgvigil/schema';
import { z } from 'zod';

/** A point in time: ISO 8601 text on the wire, a Date on either side of it. */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** A positive integer id. */
export const id = z.number().int().positive();

/** Keys that name data (series, parameters, audit details), not fields: not camelCase. */
export const dataMap = <V extends z.ZodType>(value: V) => z.record(z.string(), value);

// ---- pagination -------------------------------------------------------------

export const LIMIT_DEFAULT = 100;
export const LIMIT_MAX = 500;

/** `?limit=&cursor=` of every list endpoint. */
export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMIT_MAX)
    .default(LIMIT_DEFAULT)
    .meta({ description: `items per page, ${LIMIT_DEFAULT} by default, at most ${LIMIT_MAX}` }),
  cursor: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .meta({ description: "the previous page's `nextCursor`; absent for the first page" }),
});
export type PageQuery = z.output<typeof pageQuery>;

/** The cursor of the page after this one; null on the last page. */
export const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'pass as `?cursor=` for the next page; null on the last one' });

// ---- errors -----------------------------------------------------------------

/** Each error code's HTTP status, written once: a code without a status does not compile. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  datastore_unavailable: 503,
  misconfigured: 500,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export const errorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      hint: z.string().optional(),
      /** per offending field path (`a.b`, `(body)` for the whole body): what is wrong */
      fields: dataMap(z.string()).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.output<typeof errorBody>;

export { ROLES, type Role };
