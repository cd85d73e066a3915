import { readFile } from 'node:fs/promises';
import * as prettier from 'prettier';
import { renderToolsSection } from './docs';

const OPEN = '<!-- generated:tools -->';
const CLOSE = '<!-- /generated:tools -->';

/** docs/mcp.md as committed: its tool reference generated from TOOLS, formatted like every file. */
export async function formatMcpDoc(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const start = text.indexOf(OPEN);
  const end = text.indexOf(CLOSE);
  if (start < 0 || end < start) throw new Error(`${file} has no ${OPEN} ... ${CLOSE} region`);
  const filled = `${text.slice(0, start + OPEN.length)}\n\n${renderToolsSection()}\n${text.slice(end)}`;
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(filled, { ...config, filepath: file });
}
