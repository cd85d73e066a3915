import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProbesDoc } from '../src/format-docs';

describe('docs/probes.md', () => {
  it('is exactly what the probe definitions generate (run npm run docs)', async () => {
    const file = path.resolve(import.meta.dirname, '../../../docs/probes.md');
    expect(await readFile(file, 'utf8')).toBe(await formatProbesDoc(file));
  });
});
