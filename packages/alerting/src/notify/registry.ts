import type { ChannelType } from '@pgvigil/schema';
import type { Sender } from './sender';
import { sendEmail } from './senders/email';
import { sendMattermost } from './senders/mattermost';
import { sendOpsgenie } from './senders/opsgenie';
import { sendPagerDuty } from './senders/pagerduty';
import { sendSlack } from './senders/slack';
import { sendTeams } from './senders/teams';
import { sendTelegram } from './senders/telegram';
import { sendWebhook } from './senders/webhook';

/** One sender per channel type; a new type fails compilation here until it has one. */
export const SENDERS: Record<ChannelType, Sender> = {
  slack: sendSlack,
  mattermost: sendMattermost,
  webhook: sendWebhook,
  email: sendEmail,
  pagerduty: sendPagerDuty,
  opsgenie: sendOpsgenie,
  teams: sendTeams,
  telegram: sendTelegram,
};
