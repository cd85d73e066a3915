// Filled in by the metrics feature; re-exported as @pgvigil/db/metrics.
export {};
