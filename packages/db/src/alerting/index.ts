// Alerting datastore access: rules, overrides, blackouts, channels, alerts, outbox.
export * from './rules';
export * from './save-rule';
export * from './overrides';
export * from './blackouts';
export * from './channels';
export * from './alerts';
export * from './list-alerts';
export * from './ack-alert';
export * from './outbox';
export * from './read-rule-rows';
export * from './targets';
export * from './primaries';
export * from './events';
export * from './investigation-reads';
export * from './routes';
export * from './escalations';
