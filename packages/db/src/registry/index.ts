// Clusters and monitored servers (secrets sealed); re-exported as @pgvigil/db/registry.
export * from './clusters';
export * from './servers';
export * from './delete-server';
export * from './registry-io';
export * from './scoped-settings';
export * from './ssh-key';
export * from './patroni';
export * from './poolers';
