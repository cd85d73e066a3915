import * as prettier from 'prettier';
import { renderProbesDoc } from './docs';
import { PROBES } from './registry';
import { POOLER_PROBES } from './pooler/probes';

/** docs/probes.md as committed: generated, then formatted like every other file. */
export async function formatProbesDoc(file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(renderProbesDoc(PROBES, POOLER_PROBES), { ...config, filepath: file });
}
