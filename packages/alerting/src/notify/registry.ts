import type { ChannelType } from '@pgvigil/schema';
import type { Sender } from './sender';
import { sendEmail } from './senders/email';
import { sendMattermost } from './senders/mattermost';
import { sendSlack } from './senders/slack';
import { sendWebhook } from './senders/webhook';

/** One sender per channel type; a new type fails compilation here until it has one. */
export const SENDERS: Record<ChannelType, Sender> = {
  slack: sendSlack,
  mattermost: sendMattermost,
  webhook: sendWebhook,
  email: sendEmail,
};
