// Filled in by the alerting feature; re-exported as @pgvigil/db/alerting.
export {};
