import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProbesDoc } from '../src/format-docs';
import { helperSql } from '../src/privileges';

describe('docs/probes.md', () => {
  it('is exactly what the probe definitions generate (run npm run docs)', async () => {
    const file = path.resolve(import.meta.dirname, '../../../docs/probes.md');
    expect(await readFile(file, 'utf8')).toBe(await formatProbesDoc(file));
  });
});

describe('docs/permissions.md', () => {
  it('prints the helpers exactly as test connection and the probes expect them', async () => {
    const file = path.resolve(import.meta.dirname, '../../../docs/permissions.md');
    expect(await readFile(file, 'utf8')).toContain(helperSql('pgvigil_mon'));
  });
});
