import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, open, rm, rmdir, statfs } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serverOsUser } from '../embedded/index';
import type { Queryable } from '../client';

const run = promisify(execFile);

export interface SmallFilesystem {
  /** a folder on it the database server's OS user owns, for a tablespace */
  dir: string;
  /** Fills it: every byte and every inode, as a disk that has run out. */
  fill(): Promise<void>;
  /** Gives the space back. */
  free(): Promise<void>;
  /** Unmounts it (after the tablespace on it was dropped). */
  close(): Promise<void>;
}

/** Why a small filesystem cannot be mounted here, or null when it can. */
export function smallFilesystemUnavailable(): string | null {
  return userInfo().uid === 0
    ? null
    : 'mounting a small filesystem (tmpfs) needs root; run the suite as root to include it';
}

const isFull = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOSPC';

/**
 * A tmpfs of `sizeMb` with `inodes` files at most, mounted for one test: what the
 * datastore's disk looks like when it fills up. Root only (see smallFilesystemUnavailable).
 */
export async function mountSmallFilesystem(
  sizeMb: number,
  inodes = 4000,
): Promise<SmallFilesystem> {
  const mountPoint = await mkdtemp(path.join(tmpdir(), 'pgvigil-small-fs-'));
  await run('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${sizeMb}m,nr_inodes=${inodes},mode=0755`,
    'tmpfs',
    mountPoint,
  ]);
  const dir = path.join(mountPoint, 'tablespace');
  const filler = path.join(mountPoint, 'filler');
  await mkdir(dir, { mode: 0o700 });
  await mkdir(filler);
  const owner = serverOsUser();
  if (owner) await chown(dir, owner.uid, owner.gid);
  return {
    dir,
    async fill() {
      const chunk = Buffer.alloc(1 << 20);
      const file = await open(path.join(filler, 'bytes'), 'a');
      try {
        for (;;) await file.write(chunk);
      } catch (err) {
        if (!isFull(err)) throw err;
      } finally {
        await file.close().catch(() => undefined);
      }
      // a byte-sized write for what a 1 MiB chunk could not fill
      const rest = await open(path.join(filler, 'bytes'), 'a');
      try {
        for (let free = (await statfs(mountPoint)).bavail; free > 0; free--) {
          await rest.write(Buffer.alloc(4096));
        }
      } catch (err) {
        if (!isFull(err)) throw err;
      } finally {
        await rest.close().catch(() => undefined);
      }
      try {
        for (;;) await (await open(path.join(filler, randomBytes(8).toString('hex')), 'w')).close();
      } catch (err) {
        if (!isFull(err)) throw err;
      }
    },
    async free() {
      await rm(filler, { recursive: true, force: true });
      await mkdir(filler);
    },
    async close() {
      // lazily, should a server process still hold a file open there
      await run('umount', ['-l', mountPoint]).catch(() => undefined);
      await rmdir(mountPoint).catch(() => undefined);
    },
  };
}

/** A tablespace on `fs` for new tables of `database` (its default from the next session on). */
export async function tablespaceOn(
  admin: Queryable,
  fs: SmallFilesystem,
  database: string,
): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `small_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE TABLESPACE ${name} LOCATION '${fs.dir}'`);
  await admin.query(`ALTER DATABASE "${database}" SET default_tablespace = ${name}`);
  return {
    name,
    // the database (and what it holds there) must be gone first
    drop: async () => {
      await admin.query(`DROP TABLESPACE IF EXISTS ${name}`);
    },
  };
}
