import { CHANNEL_CONFIGS, CHANNEL_SECRET_CONTEXT, splitChannelConfig } from '@pgvigil/alerting';
import { CHANNEL_TYPES, ENVIRONMENTS, SEVERITIES } from '@pgvigil/db';
import { createChannel, listChannels, listOutbox } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Channels (never their secrets) and the latest deliveries with attempts and errors. */
export const GET = withAuth('viewer', async () => {
  const [channels, deliveries] = await Promise.all([
    listChannels(db()),
    listOutbox(db(), { limit: 100 }),
  ]);
  return NextResponse.json({ channels, deliveries });
});

const body = z
  .object({
    type: z.enum(CHANNEL_TYPES),
    name: z.string().trim().min(1).max(100),
    config: z.record(z.string(), z.unknown()),
    minSeverity: z.enum(SEVERITIES).default('warning'),
    filters: z
      .object({
        clusterIds: z.array(z.number().int().positive()).optional(),
        environments: z.array(z.enum(ENVIRONMENTS)).optional(),
      })
      .strict()
      .default({}),
    enabled: z.boolean().default(true),
  })
  .strict();

/** { type, name, config } e.g. config.url for Slack / Mattermost / webhook, config.to for email. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const b = await readJson(request, body);
  const { config, secret } = parseOr400(
    z
      .object({ config: CHANNEL_CONFIGS[b.type] })
      .transform((v) => splitChannelConfig(b.type, v.config)),
    { config: b.config },
  );
  const sealed = Object.keys(secret).length
    ? (await secretBox()).seal(JSON.stringify(secret), CHANNEL_SECRET_CONTEXT)
    : null;
  const channel = await createChannel(db(), {
    name: b.name,
    type: b.type,
    config,
    secretEnc: sealed,
    minSeverity: b.minSeverity,
    filters: b.filters,
    enabled: b.enabled,
  });
  await audit('channel.create', 'channel', channel.id, { name: channel.name, type: channel.type });
  return NextResponse.json({ channel }, { status: 201 });
});
