import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// First-run setup from another machine needs this token: whoever reaches a fresh
// install's port first must not become its admin. `npm start` writes and prints it
// while no user exists; the machine itself (loopback) needs none.

export const setupTokenPath = (home: string) => path.join(home, 'setup.token');

/** The current setup token, generated once (mode 0600) and kept until setup is done. */
export async function ensureSetupToken(home: string): Promise<string> {
  const existing = await readSetupToken(home);
  if (existing) return existing;
  await mkdir(home, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  try {
    await writeFile(setupTokenPath(home), `${token}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(setupTokenPath(home), 0o600);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readSetupToken(home)) ?? token;
  }
}

export async function readSetupToken(home: string): Promise<string | null> {
  const text = await readFile(setupTokenPath(home), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  return text?.trim() || null;
}

export async function removeSetupToken(home: string): Promise<void> {
  await rm(setupTokenPath(home), { force: true });
}

/** Whether `given` is the setup token, compared in constant time. */
export async function setupTokenMatches(home: string, given: string | undefined): Promise<boolean> {
  const expected = await readSetupToken(home);
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given.trim());
  return a.length === b.length && timingSafeEqual(a, b);
}
