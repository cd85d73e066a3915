import { CHANNEL_CONFIGS, CHANNEL_SECRET_CONTEXT, splitChannelConfig } from '@pgvigil/alerting';
import { createChannel as insertChannel, listChannels as readChannels } from '@pgvigil/db/alerting';
import { z } from 'zod';
import { createChannel, listChannels } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { channelView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Channels, never their secrets; deliveries are under /deliveries. */
export const GET = withAuth('viewer', async ({ request }) => {
  const page = pageOf(await readChannels(db()), readQuery(request, listChannels));
  return reply(listChannels, {
    channels: page.items.map(channelView),
    nextCursor: page.nextCursor,
  });
});

/** { type, name, config } e.g. config.url for Slack / Mattermost / webhook, config.to for email. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const b = await readBody(request, createChannel);
  const { config, secret } = parseOr400(
    z
      .object({ config: CHANNEL_CONFIGS[b.type] })
      .transform((v) => splitChannelConfig(b.type, v.config)),
    { config: b.config },
  );
  const sealed = Object.keys(secret).length
    ? (await secretBox()).seal(JSON.stringify(secret), CHANNEL_SECRET_CONTEXT)
    : null;
  const channel = await insertChannel(db(), {
    name: b.name,
    type: b.type,
    config,
    secretEnc: sealed,
    minSeverity: b.minSeverity ?? 'warning',
    filters: b.filters ?? {},
    enabled: b.enabled ?? true,
  });
  await audit('channel.create', 'channel', channel.id, { name: channel.name, type: channel.type });
  return reply(createChannel, { channel: channelView(channel) });
});
