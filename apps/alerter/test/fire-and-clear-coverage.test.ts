import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_RULES } from '@pgvigil/alerting';
import { describe, expect, it } from 'vitest';

// Every built-in rule must be fired and cleared against a real PostgreSQL by one of
// this folder's tests, which name the rule by its key. A rule added to the catalog
// without such a case fails here.
const sources = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.test.ts') && f !== path.basename(import.meta.filename))
  .map((f) => readFileSync(path.join(import.meta.dirname, f), 'utf8'))
  .join('\n');

describe('fire-and-clear coverage', () => {
  it.each(BUILTIN_RULES.map((r) => r.key))('%s has a case', (key) => {
    expect(sources.includes(`'${key}'`), `no test here names '${key}'`).toBe(true);
  });
});
