import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { overBudget, pageBundles, readBudgets, routeOf } from '../scripts/bundle';

// A build folder shaped like `next build`'s (turbopack): two root chunks every page loads,
// a shared chart chunk, and two pages, one with charts.
const dist = mkdtempSync(path.join(tmpdir(), 'pgvigil-bundle-'));
afterAll(() => rmSync(dist, { recursive: true, force: true }));
const chunk = (name: string, size: number) => {
  mkdirSync(path.join(dist, 'static', 'chunks'), { recursive: true });
  // varied text, so gzip does not shrink it to nothing
  const body = Array.from({ length: size / 8 }, (_, i) => (i * 2654435761).toString(36).slice(-7))
    .join(' ')
    .padEnd(size, 'x')
    .slice(0, size);
  writeFileSync(path.join(dist, 'static', 'chunks', name), body);
  return gzipSync(body, { level: 9 }).length;
};
const page = (entry: string, files: string[]) => {
  const dir = path.join(dist, 'server', 'app', ...entry.split('/').slice(1, -1));
  mkdirSync(dir, { recursive: true });
  const manifest = {
    clientModules: {},
    entryJSFiles: {
      '[project]/apps/web/src/app/layout': ['static/chunks/layout.js'],
      [`[project]/apps/web/src/app${entry}`]: files,
    },
  };
  writeFileSync(
    path.join(dir, 'page_client-reference-manifest.js'),
    `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\nglobalThis.__RSC_MANIFEST[${JSON.stringify(entry)}] = ${JSON.stringify(manifest)};\n`,
  );
};
const gz = {
  main: chunk('main.js', 40_000),
  turbopack: chunk('turbopack.js', 8_000),
  layout: chunk('layout.js', 4_000),
  charts: chunk('charts.js', 30_000),
  server: chunk('server.js', 6_000),
  login: chunk('login.js', 2_000),
};
chunk('polyfill.js', 20_000);
writeFileSync(
  path.join(dist, 'build-manifest.json'),
  JSON.stringify({
    polyfillFiles: ['static/chunks/polyfill.js'],
    rootMainFiles: ['static/chunks/main.js', 'static/chunks/turbopack.js'],
  }),
);
page('/servers/[id]/(overview)/page', [
  'static/chunks/layout.js',
  'static/chunks/charts.js',
  'static/chunks/server.js',
  'static/chunks/style.css',
]);
page('/login/page', ['static/chunks/login.js']);
page('/_not-found/page', []);

describe('first-load JavaScript per page', () => {
  it('names routes as the app does, route groups left out', () => {
    expect(routeOf('/servers/[id]/(overview)/page')).toBe('/servers/[id]');
    expect(routeOf('/(fleet)/page')).toBe('/');
  });

  it('sums the root chunks and the page entries, each file once, gzipped, polyfills out', () => {
    const pages = pageBundles(dist);
    expect(pages.map((p) => p.route)).toEqual(['/login', '/servers/[id]']);
    const base = gz.main + gz.turbopack + gz.layout;
    expect(pages[0]).toMatchObject({ files: 4, gzipBytes: base + gz.login });
    expect(pages[1]).toMatchObject({
      files: 5,
      bytes: 40_000 + 8_000 + 4_000 + 30_000 + 6_000,
      gzipBytes: base + gz.charts + gz.server,
    });
  });

  it('fails a page past its budget, or one without a budget', () => {
    const pages = pageBundles(dist);
    const server = pages[1]!.gzipBytes / 1024;
    expect(overBudget(pages, { '*': 1000 })).toEqual([]);
    expect(overBudget(pages, { '*': 1000, '/servers/[id]': Math.floor(server) })).toEqual([
      expect.stringMatching(/^\/servers\/\[id\]: [\d.]+ KB gzipped first-load JS, budget \d+ KB$/),
    ]);
    expect(overBudget(pages, { '/login': 1000 })).toEqual([
      expect.stringMatching(/^\/servers\/\[id\]: no budget/),
    ]);
  });

  it('has a budget for every dashboard page', () => {
    const budgets = readBudgets();
    for (const route of [
      '/',
      '/clusters/[id]',
      '/servers/[id]',
      '/servers/[id]/databases/[db]',
      '/servers/[id]/databases/[db]/tables/[schema]/[table]',
      '/servers/[id]/databases/[db]/indexes/[schema]/[index]',
      '/servers/[id]/queries/[queryid]',
      '/alerts',
    ]) {
      expect(budgets[route], route).toBeGreaterThan(0);
    }
  });
});
