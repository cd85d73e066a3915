// The evaluation engine for tools outside the app (the benchmark): the pure cycle,
// the loop, and the catalog. The web app uses ./web instead.
export { planCycle, type PlanInput } from './cycle/plan';
export type { Series } from './cycle/observe';
export { startLoop, syncCatalog } from './loop';
export { aggregate } from './core';
export { BUILTIN_BY_KEY } from './rules';
export { CHANNEL_SECRET_CONTEXT } from './notify/channel-config';
