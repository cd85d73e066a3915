import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENDPOINTS, endpointKey, type Endpoint } from '@/contract';
import { openApiDocument } from '@/contract/openapi';
import { API_DOC_FILE, apiDocText, OPENAPI_FILE, openApiText } from '../scripts/api-docs';
import { discoverRoutes } from './discover';

/** `/api/v1/servers/[id]` -> `/servers/{id}`: how the contract writes a path. */
const contractPath = (urlPattern: string) =>
  urlPattern.replace(/^\/api\/v1/, '').replace(/\[([^\]]+)\]/g, '{$1}');

const CAMEL = /^[a-z][a-zA-Z0-9]*$/;

/** Every object key a schema declares (records excepted: their keys are data). */
function objectKeys(schema: z.ZodType, path: string, out: string[], seen = new Set<unknown>()) {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  const walk = (s: unknown, p: string) => objectKeys(s as z.ZodType, p, out, seen);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries((schema as z.ZodObject).shape)) {
        out.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      break;
    case 'array':
      walk(def.element, `${path}[]`);
      break;
    case 'record':
      walk(def.valueType, `${path}{}`);
      break;
    case 'union':
      (def.options as unknown[]).forEach((o) => walk(o, path));
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      walk(def.innerType, path);
      break;
    case 'pipe':
      walk(def.in, path);
      walk(def.out, path);
      break;
    case 'lazy':
      walk((def.getter as () => unknown)(), path);
      break;
  }
}

describe('the API contract', () => {
  it('has an endpoint for every discovered route handler, with the same access, and no other', async () => {
    const routes = await discoverRoutes();
    const byKey = new Map(ENDPOINTS.map((e) => [endpointKey(e), e]));
    const handled = routes.map((r) => ({
      key: `${r.method} ${contractPath(r.urlPattern)}`,
      access: r.access?.kind === 'role' ? r.access.minRole : r.access?.kind,
    }));
    expect(handled.filter((h) => !byKey.has(h.key)).map((h) => h.key)).toEqual([]);
    expect(
      handled
        .filter((h) => byKey.get(h.key)?.access !== h.access)
        .map((h) => `${h.key}: handler ${h.access}, contract ${byKey.get(h.key)?.access}`),
    ).toEqual([]);
    const keys = new Set(handled.map((h) => h.key));
    expect(ENDPOINTS.filter((e) => !keys.has(endpointKey(e))).map(endpointKey)).toEqual([]);
  });

  it('names every field in camelCase, requests and answers', () => {
    const keys: string[] = [];
    for (const e of ENDPOINTS)
      for (const [part, schema] of [
        ['query', e.query],
        ['body', e.body],
        ['response', e.response],
      ] as const)
        if (schema) objectKeys(schema, `${endpointKey(e)} ${part}`, keys);
    expect(keys.length).toBeGreaterThan(500);
    expect(keys.filter((k) => !CAMEL.test(k.split('.').pop()!))).toEqual([]);
  });

  it('pages every list one way: limit and cursor in, nextCursor out', () => {
    const lists = ENDPOINTS.filter(
      (e) => e.response instanceof z.ZodObject && 'nextCursor' in e.response.shape,
    );
    expect(lists.length).toBeGreaterThan(15);
    for (const e of lists) {
      expect(Object.keys(e.query?.shape ?? {}), endpointKey(e)).toEqual(
        expect.arrayContaining(['limit', 'cursor']),
      );
      expect(e.method, endpointKey(e)).toBe('GET');
    }
    // and nothing else takes a limit, a page or a page size
    const others = ENDPOINTS.filter((e) => !lists.includes(e));
    for (const e of others)
      expect(Object.keys(e.query?.shape ?? {}), endpointKey(e)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(limit|cursor|page|pageSize|before)$/)]),
      );
  });

  it('answers 204 to every DELETE, and offers one verb per path and action', () => {
    const deletes = ENDPOINTS.filter((e: Endpoint) => e.method === 'DELETE');
    expect(deletes.length).toBeGreaterThanOrEqual(8);
    expect(deletes.filter((e) => e.response !== null).map(endpointKey)).toEqual([]);
    const writes = ENDPOINTS.filter((e) => ['POST', 'PUT', 'PATCH'].includes(e.method));
    const paths = writes.map((e) => e.path);
    // a path takes POST, PUT or PATCH, never two of them as synonyms
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument(ENDPOINTS);

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every discovered route handler', async () => {
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    const routes = await discoverRoutes();
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes.filter(
      (r) => !paths[contractPath(r.urlPattern)]?.[r.method.toLowerCase()],
    );
    expect(missing.map((r) => `${r.method} ${r.urlPattern}`)).toEqual([]);
  });

  it('is committed as docs/openapi.json, with the route tables of docs/api.md (npm run docs)', async () => {
    expect(await readFile(OPENAPI_FILE, 'utf8')).toBe(await openApiText());
    expect(await readFile(API_DOC_FILE, 'utf8')).toBe(await apiDocText());
  });
});
