// `pgvigil config export [file] [--with-secrets]` and `pgvigil config import <file> [--check]`.
// Import is one transaction: a bad file (named by its path in the document) changes
// nothing; --check applies it, prints what would change, and rolls back.
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { syncCatalog } from '@pgvigil/alerting';
import { recordAudit } from '@pgvigil/db/accounts';
import type { CliContext } from './context';
import {
  applyConfig,
  ConfigFileError,
  diffConfig,
  exportConfig,
  openSecrets,
  parseConfigDocument,
  readConfig,
} from './config-document';

/** The passphrase: PGVIGIL_EXPORT_PASSPHRASE, else asked on the terminal (not echoed). */
async function passphrase(ctx: CliContext, confirm: boolean): Promise<string> {
  if (ctx.env.PGVIGIL_EXPORT_PASSPHRASE) return ctx.env.PGVIGIL_EXPORT_PASSPHRASE;
  if (!process.stdin.isTTY)
    throw new Error('Set PGVIGIL_EXPORT_PASSPHRASE, or run this on a terminal to be asked.');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = rl as unknown as { _writeToOutput(s: string): void };
  const ask = async (q: string) => {
    process.stderr.write(q);
    muted._writeToOutput = () => undefined;
    const answer = await rl.question('');
    process.stderr.write('\n');
    return answer;
  };
  try {
    const first = await ask('Passphrase: ');
    if (confirm && (await ask('Again: ')) !== first) throw new Error('The passphrases differ.');
    return first;
  } finally {
    rl.close();
  }
}

class RollBack extends Error {}

/** An error of the datastore's verbs, with the fields a ValidationError names. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const fields = (err as { fields?: Record<string, string> }).fields;
  return fields
    ? `${err.message} (${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')})`
    : err.message;
}

export async function configCommand(ctx: CliContext, verb: string | undefined, file?: string) {
  if (verb === 'export') {
    const withSecrets = ctx.flags['with-secrets'] === true;
    const secret = withSecrets ? await passphrase(ctx, true) : null;
    if (withSecrets && (secret ?? '').length < 12)
      throw new Error('The passphrase must be at least 12 characters long.');
    const doc = await exportConfig(ctx.db, await ctx.secretBox(), secret);
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (file) await writeFile(file, text, { mode: withSecrets ? 0o600 : 0o644 });
    else process.stdout.write(text);
    await recordAudit(ctx.db, {
      at: new Date(),
      actorUserId: null,
      actor: 'pgvigil-cli',
      action: 'config.export',
      targetType: 'config',
      targetId: null,
      details: { withSecrets },
    });
    if (file)
      ctx.out(
        `exported ${doc.servers.length} servers, ${doc.rules.length} rules, ${doc.channels.length} channels to ${file}` +
          (withSecrets ? ' (secrets sealed to the passphrase)' : ' (no secrets)'),
      );
    return;
  }
  if (verb !== 'import' || !file)
    throw new Error(
      'usage: pgvigil config export [file] [--with-secrets] | import <file> [--check]',
    );

  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const check = ctx.flags.check === true;
  try {
    const doc = parseConfigDocument(raw);
    const secrets =
      doc.secrets && !ctx.flags['without-secrets']
        ? await openSecrets(doc, await passphrase(ctx, false))
        : null;
    const box = await ctx.secretBox();
    // built-in rules exist before their tuning is applied (as the alerter writes them at start)
    await syncCatalog(ctx.db);
    let changes: string[] = [];
    await ctx.db
      .tx(async (q) => {
        const before = await readConfig(q);
        await applyConfig(q, box, doc, secrets);
        changes = diffConfig(before, await readConfig(q));
        if (check) throw new RollBack();
        await recordAudit(q, {
          at: new Date(),
          actorUserId: null,
          actor: 'pgvigil-cli',
          action: 'config.import',
          targetType: 'config',
          targetId: null,
          details: { changes: changes.length, withSecrets: secrets !== null },
        });
      })
      .catch((err: unknown) => {
        if (!(err instanceof RollBack)) throw err;
      });
    for (const line of changes) ctx.out(line);
    if (secrets)
      ctx.out(
        `secrets: ${Object.keys(secrets.servers).length} servers, ${Object.keys(secrets.channels).length} channels`,
      );
    else if (doc.secrets) ctx.out('secrets: left out (--without-secrets); stored ones kept');
    ctx.out(
      check
        ? `--check: ${changes.length} changes would be made; nothing was written`
        : `imported: ${changes.length} changes`,
    );
  } catch (err) {
    const why = err instanceof ConfigFileError ? err.message : describe(err);
    throw new Error(`${file} was not imported, nothing changed:\n${why}`);
  }
}
