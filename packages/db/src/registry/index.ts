// Filled in by the registry feature; re-exported as @pgvigil/db/registry.
export {};
