// Why did an alert fire? Evidence from the datastore and named cause detectors; no LLM.
export { investigateAlert, likelyLine, LOOKBACK_MINUTES, AFTER_MINUTES } from './investigate-alert';
export { rankCauses } from './rank';
export { DETECTORS } from './detectors';
export { robustShift } from './shift';
export { blockingChains } from './blocking';
export { INVESTIGATED_METRICS } from './metrics';
export type { Findings, SettingMove } from './findings';
export * from './types';
