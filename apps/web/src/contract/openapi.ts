// The OpenAPI 3.1 document of /api/v1, generated from the contract's zod schemas.
import { ERROR_CODES } from '@pgvigil/schema';
import { z } from 'zod';
import { ERROR_STATUS, errorBody } from './common';
import { endpointKey, type Endpoint } from './endpoint';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `#/$defs/X` (what zod writes) becomes `#/components/schemas/X`, everywhere below. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/$defs/', '#/components/schemas/')
        : relink(v),
    ]),
  );
}

const operationId = (e: Endpoint) =>
  e.method.toLowerCase() +
  e.path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}.]/g, ''))
    .map((s) => s.replace(/(^|-)(\w)/g, (_, _d: string, c: string) => c.toUpperCase()))
    .join('');

/**
 * Every endpoint as an operation: its parameters, body and answers; schemas with
 * an id (`.meta({ id })`) are shared under components. Deterministic, so the
 * committed docs/openapi.json can be compared with it.
 */
export function openApiDocument(endpoints: readonly Endpoint[]): Json {
  // One zod object holding every schema converts them together: shared ids become $defs once.
  const parts: Record<string, z.ZodType> = { error: errorBody };
  endpoints.forEach((e, i) => {
    if (e.query) parts[`q${i}`] = e.query;
    if (e.body) parts[`b${i}`] = e.body;
    if (e.response) parts[`r${i}`] = e.response;
  });
  const all = z.toJSONSchema(z.object(parts), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    override: (ctx) => {
      // the format says it; zod's long regex for it helps no reader
      if (ctx.jsonSchema.format === 'date-time') delete ctx.jsonSchema.pattern;
    },
  }) as Json & { properties: Record<string, Json>; $defs?: Record<string, Json> };
  const schema = (key: string) => relink(all.properties[key]) as Json;

  const paths: Record<string, Record<string, Json>> = {};
  endpoints.forEach((e, i) => {
    const parameters: Json[] = [];
    for (const name of [...e.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
      parameters.push({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
        ...(e.params?.[name] ? { description: e.params[name] } : {}),
      });
    }
    if (e.query) {
      const q = schema(`q${i}`) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, s] of Object.entries(q.properties ?? {})) {
        const { description, ...rest } = s;
        parameters.push({
          name,
          in: 'query',
          required: q.required?.includes(name) ?? false,
          schema: rest,
          ...(description ? { description } : {}),
        });
      }
    }
    const status = e.status ?? (e.response === null ? 204 : 200);
    const errors = ERROR_CODES.filter((c) => ERROR_STATUS[c] < 500);
    const operation: Json = {
      operationId: operationId(e),
      tags: [e.tag],
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      'x-pgvigil-access': e.access,
      security: e.access === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: !e.body.safeParse(undefined).success,
              content: { 'application/json': { schema: schema(`b${i}`) } },
            },
          }
        : {}),
      responses: {
        [String(status)]:
          e.response === null
            ? { description: status === 303 ? 'Redirects the browser (Location)' : 'Done; no body' }
            : {
                description: 'OK',
                content: { [e.contentType ?? 'application/json']: { schema: schema(`r${i}`) } },
              },
        '4XX': {
          description: `An error: ${errors.map((c) => `${c} (${ERROR_STATUS[c]})`).join(', ')}`,
          content: { 'application/json': { schema: ref('Error') } },
        },
        '5XX': {
          description: 'datastore_unavailable (503), misconfigured or internal (500)',
          content: { 'application/json': { schema: ref('Error') } },
        },
      },
    };
    (paths[e.path] ??= {})[e.method.toLowerCase()] = operation;
  });
  const seen = new Set<string>();
  for (const e of endpoints) {
    const key = endpointKey(e);
    if (seen.has(key)) throw new Error(`${key} is declared twice`);
    seen.add(key);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pgvigil API',
      version: '1',
      description:
        'The API the pgvigil UI uses. JSON with camelCase keys; lists take `limit` and `cursor` and answer `nextCursor`; DELETE answers 204; errors are `{ "error": { "code", "message", "hint"?, "fields"? } }`. See docs/api.md.',
    },
    servers: [{ url: '/api/v1' }],
    tags: [...new Set(endpoints.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: relink(all.$defs ?? {}),
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: "An API token (`pgv_...`) from /tokens; it acts with its owner's role",
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pgvigil_session',
          description: 'The session of POST /auth/login; changes need an Origin of this site',
        },
      },
    },
  };
}
