export {
  definePoolerProbe,
  runPoolerProbe,
  type PoolerProbeDefinition,
  type ShowRows,
} from './define';
export * from './probes';
