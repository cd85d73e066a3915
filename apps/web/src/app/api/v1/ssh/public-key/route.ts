import { ensureInstallationSshKey } from '@pgvigil/db/registry';
import { describePrivateKey, generateSshKeyPair } from '@pgvigil/probes';
import { sshPublicKey } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';

export const dynamic = 'force-dynamic';

/** pgvigil's SSH public key; the pair is made the first time anyone asks (and remade if it does not parse). */
export const GET = withAuth('admin', async () =>
  reply(sshPublicKey, {
    publicKey: await ensureInstallationSshKey(
      db(),
      await secretBox(),
      generateSshKeyPair,
      (privateKey) => describePrivateKey(privateKey) !== null,
    ),
  }),
);
