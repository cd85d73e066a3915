// The alerting domain: the rule catalog, the pure core (lifecycle, hysteresis,
// baselines, forecasts, blackouts, overrides), the cycle planner, notification
// senders and channel configs, and the verbs the alerter and the web app share.
// Server-side (senders pull in nodemailer); browser code imports @pgvigil/schema.
export * from './core';
export * from './rules';
export * from './notify';
export * from './cycle/absence';
export * from './cycle/role-change';
export * from './cycle/band';
export * from './cycle/message';
export * from './cycle/notifications';
export * from './cycle/observe';
export * from './cycle/plan';
export * from './cycle/routing';
export * from './cycle/timing';
export * from './cycle/escalation';
export * from './cycle/dependency';
export * from './cycle/cluster-incident';
export * from './cycle/preview';
export * from './cycle/backtest';
export * from './from-rows';
export { syncCatalog } from './sync-catalog';
export * from './verbs/alert-view';
export * from './verbs/preview-custom-rule';
export * from './verbs/backtest-rule';
export * from './verbs/read-expected-band';
export * from './verbs/with-alert-units';
export * from './cycle/long-window';
export * from './investigate';
export * from './verbs/readiness';
export * from './cycle/clusters';
