// The leaf package: no runtime dependencies, safe in the browser. Closed sets,
// the shape of a metric table, units and the one value formatter.
export * from './closed-sets';
export * from './channels';
export * from './metric-spec';
export * from './units';
export * from './charts';
export * from './self-health';
export * from './readiness';
export * from './ssh';
export * from './plans';
export * from './lint';
