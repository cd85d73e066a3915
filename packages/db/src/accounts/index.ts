// Filled in by the accounts feature; re-exported as @pgvigil/db/accounts.
export {};
