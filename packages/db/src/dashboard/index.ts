// Filled in by the dashboard feature; re-exported as @pgvigil/db/dashboard.
export {};
