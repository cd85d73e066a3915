import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMcpDoc } from '../src/format-docs';

describe('docs/mcp.md', () => {
  it('has the tool reference the tool definitions generate (run npm run docs)', async () => {
    const file = path.resolve(import.meta.dirname, '../../../docs/mcp.md');
    expect(await readFile(file, 'utf8')).toBe(await formatMcpDoc(file));
  });
});
