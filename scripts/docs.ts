// `npm run docs`: regenerates what the docs enumerate from the code: docs/probes.md,
// the lifecycle and rule tables of docs/alerting.md, the README's counts, the
// API's OpenAPI document and route tables, and the MCP tool reference of
// docs/mcp.md. Tests fail when a committed file differs from what this writes.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatAlertingDoc, formatReadme } from '@pgvigil/alerting/docs';
import { formatMcpDoc } from '@pgvigil/mcp/docs';
import { formatProbesDoc } from '@pgvigil/probes/docs';
import { apiDocText, openApiText } from '../apps/web/scripts/api-docs';

const root = path.dirname(import.meta.dirname);
const files: [string, (file: string) => Promise<string>][] = [
  ['docs/probes.md', formatProbesDoc],
  ['docs/alerting.md', formatAlertingDoc],
  ['README.md', formatReadme],
  ['docs/openapi.json', openApiText],
  ['docs/api.md', apiDocText],
  ['docs/mcp.md', formatMcpDoc],
];
for (const [name, render] of files) {
  const file = path.join(root, name);
  await writeFile(file, await render(file));
  console.log(`wrote ${name}`);
}
