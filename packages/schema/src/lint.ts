/**
 * The configuration and security checks of the `config_lint` probe (no extension
 * needed), each with why it matters and the fix, shown beside every finding.
 */
export const LINT_CHECKS = {
  login_superuser: {
    title: 'Superuser that can log in',
    why: 'A login superuser bypasses every permission check; a leaked password or an injected statement owns the whole server, including the operating system account (COPY ... PROGRAM).',
    fix: 'Give applications and people ordinary roles with the grants they need; keep one superuser, and make others NOLOGIN (ALTER ROLE name NOLOGIN) or NOSUPERUSER.',
  },
  public_schema_create: {
    title: 'Anyone can create objects in schema public',
    why: 'With CREATE for PUBLIC on schema public (the default before 15) any role can plant a function or operator that other roles, and SECURITY DEFINER code, pick up through search_path.',
    fix: 'REVOKE CREATE ON SCHEMA public FROM PUBLIC; grant CREATE to the roles that own the schema objects.',
  },
  disabled_trigger: {
    title: 'Disabled trigger',
    why: 'A trigger left disabled (after a bulk load or a migration) silently stops what it enforces: audit rows, derived columns, cross-table checks.',
    fix: 'ALTER TABLE ... ENABLE TRIGGER name if it should run; DROP TRIGGER if it is no longer wanted.',
  },
  security_definer_search_path: {
    title: 'SECURITY DEFINER function without a fixed search_path',
    why: "It runs with its owner's rights but resolves names through the caller's search_path: a caller who can create objects in a schema on that path can run code as the owner.",
    fix: 'ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (then schema-qualify the names it uses).',
  },
  deep_views: {
    title: 'View nested more than 3 levels deep',
    why: 'Views over views over views hide joins and sorts the planner must repeat, make plans hard to read, and make every change ripple through the stack.',
    fix: 'Flatten the stack: query the base tables in the top view, or materialize an intermediate level.',
  },
  partial_index_candidate: {
    title: 'Index mostly on NULLs (partial index candidate)',
    why: 'pg_stats says most rows have NULL in the indexed column: the index stores and maintains entries no query looking for a value uses.',
    fix: 'Replace it with a partial index: CREATE INDEX CONCURRENTLY ... WHERE column IS NOT NULL, then DROP INDEX CONCURRENTLY the old one.',
  },
} as const;
export type LintCheck = keyof typeof LINT_CHECKS;
export const LINT_CHECK_NAMES = Object.keys(LINT_CHECKS) as LintCheck[];
