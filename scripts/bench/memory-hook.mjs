// Loaded into each pgvigil process by the footprint benchmark (NODE_OPTIONS=--import):
// on SIGUSR2 it writes what the process holds (V8 heap, memory outside it, code) and
// which npm packages it loaded (CommonJS ones; pgvigil's own code is bundled) into
// $PGVIGIL_MEMORY_REPORT_DIR/<pid>.json.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';

const dir = process.env.PGVIGIL_MEMORY_REPORT_DIR;
const loaded = createRequire(import.meta.url).cache;

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
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
  });
}
