// The runtime `npm start` runs: the supervisor and the three apps compiled from
// TypeScript to one JavaScript file each, run by plain `node` (no tsx loader in any
// long-lived process). esbuild bundles pgvigil's own code (apps and workspace
// packages) and leaves every npm dependency to node_modules. It takes a few seconds,
// so it runs on every start instead of being cached.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { RUNTIME_DIR, RUNTIME_ENTRIES } from './runtime-files';

const root = path.join(import.meta.dirname, '..', '..');
// Source files find their neighbours (migrations, the web app's folder) through
// import.meta; in a bundle that would name the bundle. Each file's own location is
// kept instead, relative to the bundle, so the repository layout is all it needs.
const LOCATION = `
import { fileURLToPath as __pgvigilPath, pathToFileURL as __pgvigilUrl } from 'node:url';
import { dirname as __pgvigilDirname, join as __pgvigilJoin } from 'node:path';
const __pgvigilRoot = __pgvigilJoin(__pgvigilDirname(__pgvigilPath(import.meta.url)), '..', '..');
const __pgvigilAt = (rel) => __pgvigilJoin(__pgvigilRoot, rel);
`;

const ownCodeOnly: Plugin = {
  name: 'pgvigil-own-code',
  setup(build) {
    // npm dependencies stay in node_modules; workspace packages (@pgvigil/*) and
    // relative imports are bundled.
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@pgvigil/') || args.path.startsWith('@/')) return undefined;
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const rel = path.relative(root, args.path);
      const contents = source
        .replaceAll('import.meta.dirname', `__pgvigilAt(${JSON.stringify(path.dirname(rel))})`)
        .replaceAll('import.meta.filename', `__pgvigilAt(${JSON.stringify(rel)})`)
        .replaceAll('import.meta.url', `__pgvigilUrl(__pgvigilAt(${JSON.stringify(rel)})).href`);
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** Compiles the runtime into dist/runtime; throws with esbuild's messages on an error. */
export async function buildRuntime(): Promise<void> {
  const result = await build({
    write: false,
    absWorkingDir: root,
    entryPoints: RUNTIME_ENTRIES,
    outdir: RUNTIME_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    banner: { js: LOCATION },
    plugins: [ownCodeOnly],
    logLevel: 'warning',
  });
  // Another pgvigil on this clone may be restarting an app from these files right now:
  // each changed file is replaced whole (rename), an unchanged one is left alone.
  await mkdir(RUNTIME_DIR, { recursive: true });
  for (const file of result.outputFiles) {
    const current = await readFile(file.path).catch(() => null);
    if (current?.equals(file.contents)) continue;
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
}
