// `pgvigil user create|reset-password|disable`: account rescue without the web UI,
// for the lost-admin-password case above all.
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '@pgvigil/db';
import {
  clearFailedLogins,
  createUser,
  deleteUserSessions,
  findUserByUsername,
  hashPassword,
  passwordProblem,
  recordAudit,
  revokeUserTokens,
  updateUser,
} from '@pgvigil/db/accounts';
import type { CliContext } from './context';

const ACTOR = 'pgvigil-cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The new password: from stdin with --password-stdin, else generated and printed once. */
async function newPassword(
  ctx: CliContext,
  username: string,
): Promise<{ password: string; generated: boolean }> {
  if (!ctx.flags['password-stdin'])
    return { password: randomBytes(18).toString('base64url'), generated: true };
  const password = await readStdin();
  const problem = passwordProblem(password, username);
  if (problem) throw new Error(`The password is refused: ${problem}`);
  return { password, generated: false };
}

async function find(ctx: CliContext, username: string) {
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new Error(`No user named "${username}".`);
  return user;
}

export async function userCommand(
  ctx: CliContext,
  verb: string | undefined,
  username: string | undefined,
) {
  if (!username)
    throw new Error('Name the user: pgvigil user <create|reset-password|disable> <name>');
  const at = new Date();
  switch (verb) {
    case 'create': {
      const role = (ctx.flags.role ?? 'viewer') as Role;
      if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const { password, generated } = await newPassword(ctx, username);
      const user = await createUser(ctx.db, {
        username,
        role,
        passwordHash: await hashPassword(password),
      });
      await recordAudit(ctx.db, {
        at,
        actorUserId: null,
        actor: ACTOR,
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        details: { role },
      });
      ctx.out(`created ${user.role} "${user.username}"`);
      if (generated) ctx.out(`password: ${password}`);
      return;
    }
    case 'reset-password': {
      const user = await find(ctx, username);
      if (user.authSource !== 'local')
        throw new Error(
          `"${user.username}" signs in through ${user.authSource === 'oidc' ? 'the OpenID provider' : 'the proxy'}; it has no pgvigil password.`,
        );
      const { password, generated } = await newPassword(ctx, user.username);
      await updateUser(ctx.db, user.id, {
        passwordHash: await hashPassword(password),
        ...(ctx.flags.enable ? { disabled: false } : {}),
      });
      // whoever knew the old password is signed out and their tokens stop working
      await deleteUserSessions(ctx.db, user.id);
      const revoked = await revokeUserTokens(ctx.db, user.id, at);
      await clearFailedLogins(ctx.db, user.username);
      await recordAudit(ctx.db, {
        at,
        actorUserId: null,
        actor: ACTOR,
        action: 'user.reset_password',
        targetType: 'user',
        targetId: user.id,
        details: { revokedTokens: revoked, ...(ctx.flags.enable ? { enabled: true } : {}) },
      });
      ctx.out(
        `reset the password of "${user.username}"; their sessions ended and ${revoked} API token(s) were revoked`,
      );
      if (user.disabled && !ctx.flags.enable)
        ctx.out('note: this account is disabled; add --enable to enable it');
      if (generated) ctx.out(`password: ${password}`);
      return;
    }
    case 'disable': {
      const user = await find(ctx, username);
      await updateUser(ctx.db, user.id, { disabled: true });
      await deleteUserSessions(ctx.db, user.id);
      const revoked = await revokeUserTokens(ctx.db, user.id, at);
      await recordAudit(ctx.db, {
        at,
        actorUserId: null,
        actor: ACTOR,
        action: 'user.disable',
        targetType: 'user',
        targetId: user.id,
        details: { revokedTokens: revoked },
      });
      ctx.out(
        `disabled "${user.username}"; their sessions ended and ${revoked} API token(s) were revoked`,
      );
      return;
    }
    default:
      throw new Error('usage: pgvigil user <create|reset-password|disable> <name>');
  }
}
