// `pgvigil doctor`: checks what pgvigil needs and prints, for each problem, what to do.
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { appliedVersion, loadMigrations, SEALED_COLUMNS, sealedByKey } from '@pgvigil/db';
import type { CliContext } from './context';

type Check = { ok: boolean | 'warn'; what: string; fix?: string };

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });

/** Whether `$PGVIGIL_HOME/secret.key` is private; only when the key comes from that file. */
async function keyFileCheck(ctx: CliContext): Promise<Check> {
  if (ctx.env.PGVIGIL_SECRET_KEY) return { ok: true, what: 'secret key from PGVIGIL_SECRET_KEY' };
  const file = path.join(ctx.env.home, 'secret.key');
  const s = await stat(file).catch(() => null);
  if (!s) return { ok: 'warn', what: `no ${file} yet`, fix: 'pgvigil creates it on first start' };
  if (s.mode & 0o077)
    return {
      ok: false,
      what: `${file} is readable by others (mode ${(s.mode & 0o777).toString(8)})`,
      fix: `chmod 600 ${file}`,
    };
  return { ok: true, what: `${file} is private (mode 600)` };
}

async function checks(ctx: CliContext): Promise<Check[]> {
  const out: Check[] = [];
  const [major] = process.versions.node.split('.').map(Number);
  out.push(
    (major ?? 0) >= 20
      ? { ok: true, what: `Node.js ${process.versions.node}` }
      : {
          ok: false,
          what: `Node.js ${process.versions.node} is too old`,
          fix: 'install Node.js 20.9 or newer',
        },
  );
  const started = performance.now();
  const [row] = await ctx.db.query<{ now: Date; version: string }>(
    "SELECT now() AS now, current_setting('server_version') AS version",
  );
  const ms = Math.round(performance.now() - started);
  out.push({ ok: true, what: `datastore answers (PostgreSQL ${row?.version}, ${ms} ms)` });
  const skew = Math.abs(Date.now() - (row?.now.getTime() ?? Date.now())) / 1000;
  out.push(
    skew <= 5
      ? { ok: true, what: `clocks agree (${skew.toFixed(1)} s apart)` }
      : {
          ok: false,
          what: `this machine and the datastore are ${skew.toFixed(0)} s apart`,
          fix: 'run NTP (chrony or systemd-timesyncd) on both; alerts and charts rely on time',
        },
  );
  const [applied, files] = await Promise.all([appliedVersion(ctx.db), loadMigrations()]);
  const newest = files.at(-1)?.version ?? 0;
  out.push(
    applied === newest
      ? { ok: true, what: `datastore schema is current (migration ${applied})` }
      : {
          ok: false,
          what: `datastore schema is at ${applied ?? 'nothing'}, this pgvigil needs ${newest}`,
          fix: 'npm run migrate (npm start does it too)',
        },
  );
  out.push(await keyFileCheck(ctx));
  const box = await ctx.secretBox();
  let unreadable = 0;
  for (const { table, column, context } of SEALED_COLUMNS) {
    const rows = await ctx.db.query<{ sealed: string }>(
      `SELECT ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL`,
    );
    for (const r of rows) {
      try {
        box.open(r.sealed, context);
      } catch {
        unreadable++;
      }
    }
  }
  const byKey = await sealedByKey(ctx.db);
  const stale = Object.entries(byKey)
    .filter(([id]) => id !== box.keyId)
    .reduce((n, [, c]) => n + c, 0);
  out.push(
    unreadable
      ? {
          ok: false,
          what: `${unreadable} stored secret(s) cannot be opened with the configured keys`,
          fix: 'set PGVIGIL_SECRET_KEY (and PGVIGIL_SECRET_KEY_PREVIOUS) to the keys that sealed them',
        }
      : stale
        ? {
            ok: 'warn',
            what: `${stale} secret(s) still under a previous key`,
            fix: 'pgvigil key rotate',
          }
        : { ok: true, what: `every stored secret opens with key ${box.keyId}` },
  );
  const port = ctx.env.PORT;
  out.push(
    (await portFree(port))
      ? { ok: true, what: `port ${port} is free for the web server` }
      : {
          ok: 'warn',
          what: `port ${port} is in use`,
          fix: 'fine if pgvigil itself is running; otherwise stop what holds it or set PORT',
        },
  );
  out.push(
    ctx.env.PGVIGIL_BASE_URL
      ? { ok: true, what: `PGVIGIL_BASE_URL is ${ctx.env.PGVIGIL_BASE_URL}` }
      : {
          ok: 'warn',
          what: 'PGVIGIL_BASE_URL is not set',
          fix: 'set it to the address people use, so links in notifications work',
        },
  );
  return out;
}

/** Prints each check; fails (exit 1) when any check failed. */
export async function doctorCommand(ctx: CliContext) {
  const results = await checks(ctx);
  for (const c of results) {
    const mark = c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'warn' : 'FAIL';
    ctx.out(`${mark}  ${c.what}${c.fix ? `\n      -> ${c.fix}` : ''}`);
  }
  const failed = results.filter((c) => c.ok === false).length;
  if (failed) throw new Error(`${failed} check(s) failed`);
}
