import * as prettier from 'prettier';
import { renderProbesDoc } from './docs';
import { PROBES } from './registry';

/** docs/probes.md as committed: generated, then formatted like every other file. */
export async function formatProbesDoc(file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(renderProbesDoc(PROBES), { ...config, filepath: file });
}
