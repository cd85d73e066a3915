// The route tables of docs/api.md, generated from the contract like docs/openapi.json.
import type { z } from 'zod';
import type { Endpoint } from './endpoint';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `?a=&b=` of the endpoint's query (pagination left out: every list takes it). */
function queryOf(e: Endpoint): string {
  const names = Object.keys((e.query as z.ZodObject | undefined)?.shape ?? {}).filter(
    (n) => n !== 'limit' && n !== 'cursor',
  );
  return names.length ? `?${names.map((n) => `${n}=`).join('&')}` : '';
}

function answerOf(e: Endpoint): string {
  if (e.response === null) return '204';
  const shape = (e.response as z.ZodObject).shape as Record<string, unknown> | undefined;
  const keys = shape ? Object.keys(shape) : [];
  const body = keys.length && keys.length <= 6 ? ` \`{ ${keys.join(', ')} }\`` : '';
  return `${e.status ?? 200}${body}`;
}

/** One table per tag: route, who may call it, what it answers, what it does. */
export function routeTables(endpoints: readonly Endpoint[]): string {
  const tags = [...new Set(endpoints.map((e) => e.tag))];
  return tags
    .map((tag) => {
      const rows = endpoints
        .filter((e) => e.tag === tag)
        .map(
          (e) =>
            `| \`${e.method} ${e.path}${queryOf(e)}\` | ${e.access} | ${answerOf(e)} | ${cell(
              e.description ? `${e.summary}. ${e.description}` : e.summary,
            )} |`,
        );
      return [
        `### ${tag[0]!.toUpperCase()}${tag.slice(1)}`,
        '',
        '| route | role | answer | what |',
        '| --- | --- | --- | --- |',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}
