// `npm run probe -- --url <conninfo> [--json]`: every probe once against one server.
import { parseArgs } from 'node:util';
import { formatTable, runOnce } from './run-once';

const USAGE = 'usage: npm run probe -- --url <postgresql://... or key=value conninfo> [--json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.url) {
    console.error(USAGE);
    return 2;
  }
  const result = await runOnce(values.url);
  if (!result.ok) {
    const f = result.failure;
    if (values.json) console.log(JSON.stringify({ ok: false, error: f }, null, 2));
    else console.error(`cannot connect (${f.code}): ${f.cause}\nfix: ${f.fix}`);
    return 2;
  }
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatTable(result));
  return result.reports.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
