import { ValidationError } from '@pgvigil/db';
import { serverInputSchema, serverPatchSchema, type ServerPatch } from '@pgvigil/db/registry';
import { ConnectionStringError, parseConnectionString } from '@pgvigil/probes';
import type { ServerBody } from '@/contract';
import { parseOr400 } from '@/server/validate';

/** Field names whose values never appear in responses or the audit log. */
export const SECRET_FIELDS = ['password', 'sslKey', 'url'] as const;

/** Merges `url` and the explicit fields into a registry patch (only what the caller gave). */
export function toPatch(body: ServerBody): ServerPatch {
  const { url, user, ...rest } = body;
  const fromUrl: ServerPatch = {};
  if (url) {
    try {
      const parsed = parseConnectionString(url);
      Object.assign(fromUrl, {
        ...(parsed.host ? { host: parsed.host } : {}),
        ...(parsed.port ? { port: parsed.port } : {}),
        ...(parsed.dbname ? { dbname: parsed.dbname } : {}),
        ...(parsed.user ? { username: parsed.user } : {}),
        ...(parsed.password !== undefined ? { password: parsed.password } : {}),
        ...(parsed.sslmode ? { sslmode: parsed.sslmode } : {}),
      });
    } catch (err) {
      if (err instanceof ConnectionStringError) {
        throw new ValidationError('The connection string cannot be used', { url: err.message });
      }
      throw err;
    }
  }
  const explicit = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  // An empty secret field in a form means "keep": only null clears.
  for (const key of ['password', 'sslKey'] as const) if (explicit[key] === '') delete explicit[key];
  if (body.ssh) {
    const { privateKey, passphrase, ...ssh } = body.ssh;
    explicit.ssh = {
      ...ssh,
      ...(privateKey !== undefined && privateKey !== '' ? { privateKey } : {}),
      ...(passphrase !== undefined && passphrase !== '' ? { passphrase } : {}),
    };
  }
  return {
    ...fromUrl,
    ...(user !== undefined ? { username: user } : {}),
    ...explicit,
  } as ServerPatch;
}

export function toCreateInput(body: ServerBody) {
  // a pooler is read through its admin console, on PgBouncer's port, unless told otherwise
  const poolerDefaults = body.kind === 'pgbouncer' ? { dbname: 'pgbouncer', port: 6432 } : {};
  return parseOr400(serverInputSchema, { ...poolerDefaults, ...toPatch(body) });
}

export function toUpdateInput(body: ServerBody) {
  return parseOr400(serverPatchSchema, toPatch(body));
}

/** Names of the fields a change touched, for the audit log (values of secrets never). */
export function changedFields(body: ServerBody): string[] {
  return Object.keys(body).filter((k) => body[k as keyof ServerBody] !== undefined);
}
