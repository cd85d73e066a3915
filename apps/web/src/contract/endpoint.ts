import type { Role } from '@pgvigil/schema';
import type { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Who may call: the minimum role, or anyone (the few routes that work before sign-in). */
export type EndpointAccess = Role | 'public';

/**
 * One route handler of /api/v1 as a caller sees it: what it takes, what it answers.
 * The handler parses with `query` and `body` and answers through `response`
 * (`reply` in server/api.ts), the OpenAPI document is generated from these, and a
 * test checks each discovered handler has its endpoint with the same access.
 */
export interface Endpoint {
  method: HttpMethod;
  /** below /api/v1, dynamic segments as `{name}` */
  path: `/${string}`;
  access: EndpointAccess;
  /** the OpenAPI tag: the resource */
  tag: string;
  summary: string;
  description?: string;
  /** what each `{name}` of the path is */
  params?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** what the response body is, when not JSON (the schema then describes the text) */
  contentType?: string;
  /** 200 unless said; a null response is 204 No Content, or 303 for a browser redirect */
  status?: 200 | 201 | 303;
  response: z.ZodType | null;
}

export const endpoint = <const E extends Endpoint>(e: E): E => e;

/** `GET /servers/{id}`: how tests and the document name an endpoint. */
export const endpointKey = (e: Pick<Endpoint, 'method' | 'path'>) => `${e.method} ${e.path}`;

/** What the endpoint answers, after decoding (timestamps as Dates). */
export type ResponseOf<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.output<E['response']>
  : never;
/** What travels: the JSON text's shape (timestamps as ISO strings). */
export type WireOf<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.input<E['response']>
  : never;
export type BodyOf<E extends Endpoint> = E['body'] extends z.ZodType ? z.input<E['body']> : never;
export type QueryOf<E extends Endpoint> = E['query'] extends z.ZodType
  ? z.output<E['query']>
  : Record<string, never>;
