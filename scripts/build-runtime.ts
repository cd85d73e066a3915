// `npm run build:runtime`, and the first step of `npm start`: compiles the
// supervisor and the apps into dist/runtime (see lib/runtime.ts).
import { buildRuntime } from './lib/runtime';
import { RUNTIME_DIR } from './lib/runtime-files';

const started = Date.now();
await buildRuntime();
console.log(`runtime built in ${Date.now() - started} ms: ${RUNTIME_DIR}`);
