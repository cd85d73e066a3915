// Sections of docs/probes.md about the optional query extensions (docs.ts places them).

/** pg_stat_kcache and pg_wait_sampling: what is read, where it shows, how to set it up. */
export const QUERY_EXTENSIONS_DOC = `## CPU, real I/O and waits per statement (optional extensions)

- **\`statements_kcache\`** ([pg_stat_kcache](https://github.com/powa-team/pg_stat_kcache)): CPU
  time (user and system), bytes the kernel really read from and wrote to storage, page faults and
  context switches per statement, read from \`pg_stat_kcache()\` and joined to
  \`pg_stat_statements(false)\` by queryid, role, database and top level (the view
  \`pg_stat_kcache_detail\` would read every query text). Stored as deltas per run like
  \`statements\`, the 50 statements with the most CPU plus an "(others)" row.
- **\`statement_waits\`** and **\`wait_profile\`**
  ([pg_wait_sampling](https://github.com/postgrespro/pg_wait_sampling)): \`pg_wait_sampling_profile\`
  summed over backends per (queryid, event type, event) and per (event type, event), as deltas;
  time is samples x \`pg_wait_sampling.profile_period\` (10 ms by default), and event \`CPU\` is time
  sampled on CPU. Idle background loops (\`Activity\`) and idle sessions (\`ClientRead\` outside a
  statement) are left out. A reset of the profile (or of pg_stat_kcache) counts from zero, as for
  every delta probe; pgvigil never resets either.
- **Shown**: the query page's "CPU, I/O and waits in this window" (CPU against the statement's
  execution time, the rest off CPU; real reads and writes; what it waited on), and the server
  page's wait profile.
- **Setup**, on the monitored server (Debian: \`postgresql-<major>-pg-stat-kcache\`,
  \`postgresql-<major>-pg-wait-sampling\`):

  \`\`\`sql
  ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements, pg_stat_kcache, pg_wait_sampling';
  -- restart, then in the maintenance database pgvigil connects to:
  CREATE EXTENSION pg_stat_kcache;   -- requires pg_stat_statements
  CREATE EXTENSION pg_wait_sampling;
  \`\`\`

  Without them these probes are \`unavailable: extension pg_stat_kcache is not installed in
  database X: CREATE EXTENSION pg_stat_kcache;\` (created but not preloaded: "installed but not
  loaded: add it to shared_preload_libraries"), and Test connection's "Query extensions" check
  lists each one's state with the SQL. No grant beyond \`pg_monitor\`: both functions are
  executable by every role. Tested against the real extensions on Debian's PostgreSQL 15
  (\`packages/probes/test/query-extensions.test.ts\`).
`;

/** The pg_qualstats bullet of "Missing-index candidates". */
export const QUALSTATS_DOC = `- **From pg_qualstats**: when the database has the
  [\`pg_qualstats\`](https://github.com/powa-team/pg_qualstats) extension, the predicates it sampled
  while the same statements ran are added (its \`pg_qualstats\` view, current database only): a
  table column compared with a constant or parameter by \`=\`, \`<\`, \`<=\`, \`>\` or \`>=\` and evaluated
  as a filter after the rows were read. Per (statement, table) the equality columns come first,
  most selective first, then the most selective range column. It sees through views and SQL
  functions, which the parser does not. A candidate both propose is one candidate; each says its
  \`sources\` (\`parser\`, \`pg_qualstats\`) and its detail quotes what pg_qualstats measured ("sampled
  account = in 4 execution(s), keeping 0.020 % of the rows read"). Installed but not preloaded, it
  is skipped. It needs \`shared_preload_libraries\` and \`CREATE EXTENSION pg_qualstats;\` in each
  database to advise on; \`pg_qualstats.sample_rate\` (default 1 / max_connections) decides how many
  executions it samples.
`;
