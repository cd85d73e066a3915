// Users, passwords, sessions, API tokens, single sign-on, login attempts and the audit log; re-exported as @pgvigil/db/accounts.
export * from './users';
export * from './sessions';
export * from './tokens';
export * from './audit';
export * from './login-attempts';
export * from './llm-usage';
export * from './external-users';
export * from './oidc-flows';
export * from './password';
