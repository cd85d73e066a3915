// ssh2 loads on the first SSH key or tunnel, not with the probes: most installations
// never use a bastion, and ssh2 costs an idle process about 15 MB (docs/performance.md).
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

let loaded: typeof ssh2 | undefined;

/** The ssh2 module, loaded on the first call. */
export function ssh2Module(): typeof ssh2 {
  loaded ??= createRequire(import.meta.url)('ssh2') as typeof ssh2;
  return loaded;
}
