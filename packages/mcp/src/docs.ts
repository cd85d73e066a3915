// The tool reference of docs/mcp.md, generated from the tool definitions.
import { z } from 'zod';
import { TOOLS } from './registry';
import type { ToolDef } from './tool';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

const typeOf = (s: JsonSchema): string => {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.type === 'array' && s.items) return `array of ${typeOf(s.items)}`;
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'object');
};

const who = (t: ToolDef) =>
  t.access === 'read'
    ? `${t.minRole} or above, any token`
    : `${t.minRole} or above, a full-scope token (not a read-only one)`;

function renderTool(t: ToolDef): string {
  const schema = z.toJSONSchema(t.input, { io: 'input' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  const args = Object.entries(schema.properties ?? {});
  const lines = [`### \`${t.name}\`: ${t.title}`, '', t.description, '', `Who: ${who(t)}.`, ''];
  if (args.length) {
    lines.push('| argument | type | required | what |', '| --- | --- | --- | --- |');
    for (const [name, s] of args)
      lines.push(
        `| \`${name}\` | ${typeOf(s)} | ${required.has(name) ? 'yes' : 'no'} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`,
      );
    lines.push('');
  } else lines.push('No arguments.', '');
  lines.push(
    'Example:',
    '',
    '```json',
    JSON.stringify({ name: t.name, arguments: t.example }),
    '```',
    '',
  );
  return lines.join('\n');
}

export function renderToolsSection(): string {
  return TOOLS.map(renderTool).join('\n');
}
