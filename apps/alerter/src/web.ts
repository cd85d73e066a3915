// What the web app uses from the alerter: validation of custom rules, blackout
// calendars, override resolution, channel config and "send test". Pure code and
// senders only; nothing here starts the loop.
export { customDefinition, type CustomDefinition } from './rules/custom';
export { BUILTIN_BY_KEY } from './rules/catalog';
export {
  checkRecurring,
  upcomingWindows,
  resolveOverrides,
  OVERRIDE_LEVELS,
  TUNABLES,
  type BlackoutWindow,
  type Override,
  type Effective,
} from './core';
export {
  splitChannelConfig,
  CHANNEL_SECRET_CONTEXT,
  CHANNEL_CONFIGS,
} from './notify/channel-config';
export { openChannel, sendTestMessage } from './notify/deliver';
