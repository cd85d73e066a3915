// The DBA's dashboard: read-only queries shaped for pages and /api/v1 read endpoints.
export * from './health';
export * from './list-fleet';
export * from './list-active-alerts';
export * from './list-clusters';
export * from './get-server-overview';
export * from './get-cluster-overview';
export * from './charts';
export * from './chart-series';
export * from './list-server-databases';
export * from './list-top-queries';
export * from './key-rates';
export * from './list-database-tables';
export * from './list-database-indexes';
export * from './list-database-findings';
export * from './list-schema-changes';
export * from './get-object-detail';
