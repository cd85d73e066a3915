// Loaded into each pgvigil process by the footprint benchmark (NODE_OPTIONS=--import):
// on SIGUSR2 it writes what the process holds (V8 heap, memory outside it, code) and
// which npm packages it loaded (CommonJS ones; pgvigil's own code is bundled) into
// $PGVIGIL_MEMORY_REPORT_DIR/<pid>.json. With PGVIGIL_MEMORY_REPORT_GC=1 it then runs a
// full garbage collection and adds what the process holds after it (afterGc): how much
// of the heap was garbage waiting for a collection.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

const dir = process.env.PGVIGIL_MEMORY_REPORT_DIR;
const loaded = createRequire(import.meta.url).cache;
const collect = process.env.PGVIGIL_MEMORY_REPORT_GC === '1';
if (collect) v8.setFlagsFromString('--expose-gc');
// a context made after the flag has gc(); the main one was made before it
const gc = collect ? vm.runInNewContext('gc') : undefined;

if (dir) {
  process.on('SIGUSR2', () => {
    const usage = process.memoryUsage();
    const code = v8.getHeapCodeStatistics();
    const packages = new Set();
    for (const file of Object.keys(loaded)) {
      const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      if (match) packages.add(match[1]);
    }
    const report = {
      pid: process.pid,
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      codeAndMetadata: code.code_and_metadata_size + code.bytecode_and_metadata_size,
      packages: [...packages].sort(),
    };
    if (gc) {
      gc();
      const after = process.memoryUsage();
      report.afterGc = { rss: after.rss, heapUsed: after.heapUsed, heapTotal: after.heapTotal };
    }
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
  });
}
