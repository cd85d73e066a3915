import { readFile } from 'node:fs/promises';
import { PROBES } from '@pgvigil/probes';
import * as prettier from 'prettier';
import { fillGeneratedRegions, fillReadmeCounts } from './docs';
import { BUILTIN_RULES } from './rules';

async function format(text: string, file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

/** docs/alerting.md as committed: its generated regions current, formatted like every file. */
export async function formatAlertingDoc(file: string): Promise<string> {
  return format(fillGeneratedRegions(await readFile(file, 'utf8')), file);
}

/** README.md with the probe and rule counts of the code. */
export async function formatReadme(file: string): Promise<string> {
  const counts = { probes: PROBES.length, rules: BUILTIN_RULES.length };
  return format(fillReadmeCounts(await readFile(file, 'utf8'), counts), file);
}
