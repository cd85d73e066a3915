// Route methods and page URLs read from apps/web/src/app without importing any of
// it: for suites outside vitest (e2e, which cannot load the app's modules). A vitest
// test checks that this reading agrees with discover.ts, which imports the handlers.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const APP = path.resolve(import.meta.dirname, '..', 'src', 'app');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

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

export interface RouteMethod {
  file: string;
  urlPattern: string;
  method: (typeof METHODS)[number];
}

/** Every `export const GET = ...` (and the other methods) of every route.ts. */
export function routeMethodsFromFiles(): RouteMethod[] {
  return walk(APP, 'route.ts')
    .sort()
    .flatMap((file) => {
      const text = readFileSync(path.join(APP, file), 'utf8');
      return METHODS.filter((m) => new RegExp(`^export const ${m}\\b`, 'm').test(text)).map(
        (method) => ({ file, urlPattern: urlOf(file), method }),
      );
    });
}

/** Every page.tsx as the URL pattern it serves. */
export function pageUrlsFromFiles(): string[] {
  return walk(APP, 'page.tsx').sort().map(urlOf);
}
