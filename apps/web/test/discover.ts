// Every API route handler and every page, found by walking apps/web/src/app: the
// suites that must cover "every route" or "every page" take their list from here,
// so a new route or page is covered without anyone adding it to a list.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Access } from '@/server/http';
import type { Handler } from './helpers';

const APP = path.resolve(import.meta.dirname, '..', 'src', 'app');
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

export interface DiscoveredRoute {
  /** path from apps/web/src/app, e.g. `api/v1/servers/[id]/route.ts` */
  file: string;
  /** the URL with its dynamic segments, e.g. `/api/v1/servers/[id]` */
  urlPattern: string;
  method: Method;
  handler: Handler;
  /** what the handler declared (withAuth or publicRoute); undefined is a bug a test reports */
  access: Access | undefined;
}

export interface DiscoveredPage {
  file: string;
  /** e.g. `/servers/[id]/databases/[db]`; route groups `(x)` are not part of URLs */
  urlPattern: string;
}

function walk(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full, name);
    return e.name === name ? [path.relative(APP, full)] : [];
  });
}

const urlOf = (file: string) =>
  '/' +
  path
    .dirname(file)
    .split(path.sep)
    .filter((s) => s !== '.' && !/^\(.*\)$/.test(s))
    .join('/');

/** Every exported method of every route.ts, with its declared access. */
export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const routes: DiscoveredRoute[] = [];
  for (const file of walk(APP, 'route.ts').sort()) {
    const mod = (await import(path.join(APP, file))) as Record<string, unknown>;
    for (const method of METHODS) {
      const fn = mod[method];
      if (typeof fn !== 'function') continue;
      routes.push({
        file,
        urlPattern: urlOf(file),
        method,
        handler: fn as Handler,
        access: (fn as { access?: Access }).access,
      });
    }
  }
  return routes;
}

/** Every page.tsx as the URL it serves. */
export function discoverPages(): DiscoveredPage[] {
  return walk(APP, 'page.tsx')
    .sort()
    .map((file) => ({ file, urlPattern: urlOf(file) }));
}

/** The dynamic segment names of a pattern: `/servers/[id]/databases/[db]` -> ['id', 'db']. */
export const segmentsOf = (urlPattern: string) =>
  [...urlPattern.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);

/** A concrete URL: each `[name]` replaced by `values[name]` (URI-encoded). */
export function fillPattern(urlPattern: string, values: Record<string, string>): string {
  return urlPattern.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for [${name}] in ${urlPattern}`);
    return encodeURIComponent(v);
  });
}
