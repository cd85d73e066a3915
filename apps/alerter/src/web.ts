// What the web app uses from the alerter: validation of custom rules, blackout
// calendars, override resolution, channel config and "send test". Pure code and
// senders only; nothing here starts the loop.
export { customDefinition, customRule, inScope, type CustomDefinition } from './rules/custom';
export { previewRule, type Preview } from './cycle/preview';
export { groupSeries } from './cycle/observe';
export { BUILTIN_BY_KEY } from './rules/catalog';
export { paramProblems, paramValues } from './rules/params';
export type { RuleParam } from './rules/types';
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
export {
  bandHistoryWindow,
  bandSeries,
  expectedBand,
  type BandPoint,
  type ExpectedBand,
} from './cycle/band';
