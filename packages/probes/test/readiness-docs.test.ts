import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { READINESS_CHECKS } from '@pgvigil/schema';
import { describe, expect, it } from 'vitest';

describe('docs/readiness.md', () => {
  it('explains every check, by its key', async () => {
    const doc = await readFile(
      path.join(import.meta.dirname, '..', '..', '..', 'docs', 'readiness.md'),
      'utf8',
    );
    const documented = [...doc.matchAll(/^\| `([a-z_]+)` /gm)].map((m) => m[1]);
    expect(documented).toEqual([...READINESS_CHECKS]);
  });
});
