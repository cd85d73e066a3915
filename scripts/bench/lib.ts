import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';

/** A throwaway PostgreSQL 18 for one benchmark; `done()` stops it and removes its files. */
export async function benchServer(
  name: string,
  settings: Record<string, string | number> = {},
): Promise<{ server: EmbeddedServer; done(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `pgvigil-bench-${name}-`));
  await chmod(dir, 0o755); // the postgres OS user must reach its data folder
  const server = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    major: 18,
    superuserPassword: 'bench',
    settings,
  });
  return {
    server,
    async done() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
