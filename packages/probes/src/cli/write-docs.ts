// `npm run docs:probes`: regenerates docs/probes.md from the probe definitions.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatProbesDoc } from '../format-docs';

const target = path.resolve(import.meta.dirname, '../../../../docs/probes.md');
await writeFile(target, await formatProbesDoc(target));
console.log(`wrote ${target}`);
