export * from './facts';
export { gatherReadinessFacts, READINESS_SETTINGS, TOAST_HEAVY_BYTES } from './gather';
export * from './checks';
export * from './compare';
export { readSchemaSnapshot, countRows, type SchemaSnapshot } from './schema-snapshot';
export { inReadOnly, READINESS_LIMITS, type ReadOnlyLimits } from './session';
export {
  readReadiness,
  compareServers,
  withTargetSession,
  type Live,
  type ReadinessInput,
  type CompareInput,
  type LiveComparison,
} from './live';
