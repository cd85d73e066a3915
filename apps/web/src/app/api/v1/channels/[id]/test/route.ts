import { openChannel, sendTestMessage } from '@pgvigil/alerting';
import { getChannelWithSecret } from '@pgvigil/db/alerting';
import { testChannel } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { secretBox } from '@/server/secret-box';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Sends a test message now; the answer says whether the receiver accepted it and, if not, why. */
export const POST = withAuth<{ id: string }>('admin', async ({ params, at, audit }) => {
  const row = await getChannelWithSecret(db(), idParam(params.id, 'Channel'));
  const e = env();
  const result = await sendTestMessage(openChannel(row, await secretBox()), {
    baseUrl: e.PGVIGIL_BASE_URL,
    smtpUrl: e.SMTP_URL,
    at,
  });
  await audit('channel.test', 'channel', row.id, { ok: result.ok });
  // the request succeeded either way; whether the receiver accepted is in the body
  return reply(testChannel, result);
});
