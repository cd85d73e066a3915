import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillGeneratedRegions, fillReadmeCounts, renderLifecycleTable } from '../src/docs';
import { formatAlertingDoc, formatReadme } from '../src/format-docs';

const root = path.resolve(import.meta.dirname, '../../..');

describe('generated documentation (run npm run docs)', () => {
  it('docs/alerting.md has the current lifecycle and rule tables', async () => {
    const file = path.join(root, 'docs/alerting.md');
    expect(await readFile(file, 'utf8')).toBe(await formatAlertingDoc(file));
  });

  it("the README's probe and rule counts are the code's", async () => {
    const file = path.join(root, 'README.md');
    expect(await readFile(file, 'utf8')).toBe(await formatReadme(file));
  });

  it('fails loudly on a page without its markers, and regenerates a stale region', () => {
    expect(() => fillGeneratedRegions('no markers here')).toThrow(/generated:lifecycle/);
    const stale = '<!-- generated:x -->\nold\n<!-- /generated:x -->';
    expect(fillGeneratedRegions(stale, { x: () => 'new' })).toBe(
      '<!-- generated:x -->\n\nnew\n\n<!-- /generated:x -->',
    );
    expect(
      fillReadmeCounts('7 version-aware probes, 9 built-in rules', { probes: 1, rules: 2 }),
    ).toBe('1 version-aware probes, 2 built-in rules');
  });

  it('the lifecycle table has a row per state and a column per signal', () => {
    const lines = renderLifecycleTable().split('\n');
    expect(lines).toHaveLength(2 + 7);
    expect(lines[2]).toMatch(/^\| ok \| pending \| firing \| silenced \|/);
  });
});
