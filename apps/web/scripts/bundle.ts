// The JavaScript each page ships on its first load, read from a production build
// (`next build`, turbopack): the root chunks every page loads (build-manifest.json
// `rootMainFiles`) plus the chunks of the page's own entries (its layouts, error and
// loading boundaries, the page: `entryJSFiles` of its client reference manifest), each
// file counted once, gzipped as it goes over the wire. Polyfills are left out: they are
// `nomodule` scripts a current browser never loads.
//   npx tsx apps/web/scripts/bundle.ts [distDir]          prints the table
//   npx tsx apps/web/scripts/bundle.ts [distDir] --check  and fails past a page's budget
// Budgets: apps/web/bundle-budget.json (gzipped KB per page, from the measured size plus headroom).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PageBundle {
  /** the route as the app names it, route groups left out: /servers/[id] */
  route: string;
  files: number;
  bytes: number;
  gzipBytes: number;
}

/** `/servers/[id]/(overview)/page` -> `/servers/[id]` */
export function routeOf(entry: string): string {
  const parts = entry
    .replace(/\/page$/, '')
    .split('/')
    .filter((p) => p && !/^\(.*\)$/.test(p));
  return `/${parts.join('/')}`;
}

function manifests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifests(full));
    else if (entry.name === 'page_client-reference-manifest.js') out.push(full);
  }
  return out;
}

/** First-load JavaScript of every page (not API routes) of the build in `distDir`. */
export function pageBundles(distDir: string): PageBundle[] {
  const build = JSON.parse(readFileSync(path.join(distDir, 'build-manifest.json'), 'utf8')) as {
    rootMainFiles?: string[];
  };
  const root = build.rootMainFiles ?? [];
  const sizes = new Map<string, { bytes: number; gzipBytes: number }>();
  const size = (file: string) => {
    let s = sizes.get(file);
    if (!s) {
      const body = readFileSync(path.join(distDir, file));
      s = { bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
      sizes.set(file, s);
    }
    return s;
  };
  const pages: PageBundle[] = [];
  for (const file of manifests(path.join(distDir, 'server', 'app'))) {
    // globalThis.__RSC_MANIFEST["/servers/[id]/(overview)/page"] = {...};
    const text = readFileSync(file, 'utf8');
    const m = /__RSC_MANIFEST\[("[^"]+")\]\s*=\s*(\{[\s\S]*\});?\s*$/.exec(text);
    if (!m) throw new Error(`${file}: not a client reference manifest`);
    const entry = JSON.parse(m[1]!) as string;
    if (entry.startsWith('/_')) continue; // /_not-found, /_global-error
    const manifest = JSON.parse(m[2]!) as { entryJSFiles?: Record<string, string[]> };
    const files = new Set(root);
    for (const chunks of Object.values(manifest.entryJSFiles ?? {})) {
      for (const c of chunks) if (c.endsWith('.js')) files.add(c);
    }
    let bytes = 0;
    let gzipBytes = 0;
    for (const f of files) {
      const s = size(f);
      bytes += s.bytes;
      gzipBytes += s.gzipBytes;
    }
    pages.push({ route: routeOf(entry), files: files.size, bytes, gzipBytes });
  }
  return pages.sort((a, b) => a.route.localeCompare(b.route));
}

/** Budgets in gzipped KB (1,024 bytes) per route; `*` for every page not named. */
export type Budgets = Record<string, number>;

/** The pages over their budget, each with a line saying by how much. */
export function overBudget(pages: PageBundle[], budgets: Budgets): string[] {
  const out: string[] = [];
  for (const p of pages) {
    const kb = budgets[p.route] ?? budgets['*'];
    if (kb === undefined) {
      out.push(`${p.route}: no budget (add it to apps/web/bundle-budget.json)`);
    } else if (p.gzipBytes > kb * 1024) {
      out.push(
        `${p.route}: ${(p.gzipBytes / 1024).toFixed(1)} KB gzipped first-load JS, budget ${kb} KB`,
      );
    }
  }
  return out;
}

export const BUDGET_FILE = path.join(import.meta.dirname, '..', 'bundle-budget.json');

export function readBudgets(file = BUDGET_FILE): Budgets {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { pages: Budgets };
  return json.pages;
}

function main(): void {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dist = path.resolve(
    import.meta.dirname,
    '..',
    args.find((a) => !a.startsWith('--')) ?? '.next',
  );
  if (!existsSync(path.join(dist, 'build-manifest.json'))) {
    console.error(`no web build in ${dist} (run the web build first)`);
    process.exit(2);
  }
  const pages = pageBundles(dist);
  const budgets = readBudgets();
  const kb = (n: number) => (n / 1024).toFixed(1).padStart(7);
  console.log(`first-load JavaScript per page (${path.relative(process.cwd(), dist)}):`);
  console.log(`  ${'page'.padEnd(58)} files      KB  gzip KB  budget`);
  for (const p of pages) {
    const budget = budgets[p.route] ?? budgets['*'];
    console.log(
      `  ${p.route.padEnd(58)} ${String(p.files).padStart(5)} ${kb(p.bytes)}  ${kb(p.gzipBytes)}  ${budget ?? '-'}`,
    );
  }
  if (check) {
    const over = overBudget(pages, budgets);
    if (over.length) {
      console.error(`pages over their JavaScript budget:\n  ${over.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`every page within its JavaScript budget (${pages.length} pages)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
