import { QUALSTATS_DOC, QUERY_EXTENSIONS_DOC } from './docs-query-extensions';
import { privilegeReason } from './privileges';
import type { ProbeDefinition } from './types';
import type { PoolerProbeDefinition } from './pooler/define';

const version = (num: number) => String(Math.floor(num / 10000));

const INTRO = `# Probes

<!-- Generated from packages/probes/src/probes/*.ts by \`npm run docs\`; a test fails when it is stale. Do not edit by hand. -->

Every probe is data (\`packages/probes/src/probes/*.ts\`): a name, a scope, a default interval and
retention, the lowest PostgreSQL version, SQL per version range, and a column list that is the only
column list there is. The datastore table \`metrics.<probe>\` (daily partitions on \`collected_at\`),
the COPY into it and the reads below all derive from it.

- **Scope**: \`instance\` probes run once per server, in the server's configured database;
  \`database\` probes run in every database that accepts connections (templates excluded), and their
  rows carry \`database_name\`. Every table also has \`collected_at\` and \`server_id\`.
- **Each run**: a read-only transaction, \`statement_timeout\` 5 s unless the probe says otherwise,
  \`lock_timeout\` 100 ms (a run that hit it is retried twice), \`application_name = 'pgvigil'\` and a
  \`/* pgvigil:<probe> */\` marker inside the statement (PostgreSQL 18's pg_stat_statements drops
  leading comments, so the marker follows the first keyword). A failure or a missing extension is a
  value (\`failed\` / \`unavailable: <reason>\`); the cycle goes on.
- **Locks**: only AccessShareLock, and never more than 100 relation locks at once (a test checks
  both for every probe on every major). Catalog reads lock only the catalogs. Exact sizes
  (\`pg_relation_size\` and friends) lock each relation for an instant: a relation that a session
  holds or awaits in ACCESS EXCLUSIVE mode (ALTER TABLE, VACUUM FULL, REINDEX, LOCK TABLE) gets its
  size from \`pg_class.relpages\` instead, and the row's \`skipped\` column says so; every other
  relation is collected as usual. Definitions are hashed from catalog rows, never through
  \`pg_get_indexdef()\`, \`pg_get_viewdef()\` or \`pg_get_expr()\`, which lock the tables they describe.
  Sequences are read with a SELECT on each (50 per transaction), never through \`pg_sequences\`,
  whose \`pg_sequence_last_value()\` takes RowExclusiveLock on every sequence until commit.
- **Counters** (marked *counter*) are stored raw and read as per-second rates; an interval in which a
  counter went down (stats reset, restart, failover) has no rate rather than a wrong one.
- **Deltas** (marked *delta*, pg_stat_statements) are differences computed by the collector between
  two runs; only statements that ran are stored. The first run after a collector start is a baseline.
  Rollups sum them (a mean per call is a sum of time over a sum of calls, never a mean of means);
  a *per run* column (the time a run covered, the server's total in it) is summed over the server's
  runs in each bucket and stands on every row of the bucket.
- **Change-tracked** probes are stored only when their result differs from the latest snapshot
  stored for that server (and database), also across collector restarts; their newest snapshot is
  never dropped by retention.
- **Sparse** probes (idle tables and indexes, idle or long-running sessions, I/O and conflict
  counters that rarely move) store a row only when one of its values moved since the row was last
  stored, together with its unchanged observation from the run before, so a rate across the gap is
  dated to the right interval. A *keyframe* stores every row: the first run, the first run of each
  keyframe period (aligned with the rollups, so every rollup bucket holds every row), and a run a row
  of the run before is missing from (a dropped table, an ended session). Every run stores at least
  one row. Readers (\`readLatest\`, \`readSeries\`, the alerter's rows, the rollups) carry each row
  forward to the later runs until a keyframe passes without it, so they answer as if every run had
  stored every row: a carried counter has a rate of 0, and a carried *elapsed* value (a query's
  running time) grows with the clock. *Drifting* values (a table's freeze age, which grows with any
  transaction on the server) do not make a row worth storing, so a carried one may be a keyframe old.
- **Top N**: large schemas are capped to the biggest N objects plus one \`(others)\` row; partitions
  are summed into their root table.
- **Privileges**: everything works as a superuser or a role granted \`pg_monitor\`, with three
  exceptions that say so: \`hba_rules\` needs a grant on \`pg_hba_file_rules\`; \`sequences\` needs
  SELECT on each sequence and the bloat estimates the planner statistics of the table's columns,
  which \`pg_stats\` shows only to roles that may SELECT the table. Both are read through the
  helpers of docs/permissions.md (\`pgvigil.sequence_last_value\`, \`pgvigil.column_stats\`) when
  installed; otherwise such rows carry \`skipped\` = the helper or GRANT, never 0 %. A probe whose
  role lacks what it needs (listed per probe below) is \`unavailable\` with the reason and the GRANT,
  checked once per session, never \`failed\` and never rows with other sessions' values hidden.
- **Spock and system_stats** probes (\`spock_*\`, \`os_*\`) are verified against the extensions'
  documented interface only: neither is packaged for Debian, so the tests run them against stand-in
  tables and SQL functions with the documented names and OUT columns (spock 4/5, system_stats 3.x
  and its older disk and CPU layout), not against the extensions' own code. The \`os_*\` probes read
  each column by name, so a column a system_stats release lacks is NULL instead of a failed probe.
  \`os_load\` divides the 5-minute load by the logical CPUs of \`pg_sys_cpu_info()\`
  (\`logical_processor\`; \`no_of_cpu\` in 1.x) so the \`load\` rule's thresholds are per CPU; the
  \`swap_used\` rule reads \`pg_sys_memory_info()\`'s swap columns.

## The collector (\`apps/collector\`)

- **Leases**: every 5 s each collector renews its leases (\`collector_leases\`, 30 s TTL) and moves
  towards an even share of the enabled servers among collectors with a fresh heartbeat: it claims
  free or expired servers with \`FOR UPDATE SKIP LOCKED\` and releases its surplus. A dead
  collector's servers move to the others within about 35 s. A new, changed (\`updated_at\`) or
  disabled server takes effect at the next round.
- **Per server** at most two sessions (\`SESSIONS_PER_SERVER\`, a semaphore every session takes a
  slot from; a test counts pgvigil's sessions in \`pg_stat_activity\` on a server with 100
  databases): one held open for instance probes, one opened per database in turn for database
  probes (databases discovered each pass, by the session of the first database). A database probe
  that was unavailable in a database (an extension not installed, a privilege missing) is tried
  there again after an hour, not every interval, so a server with many databases is not visited
  only to learn again that spock is absent. Each runs its probes one after
  another, so a probe never runs twice at once on a server. Intervals come from the probe, overridden
  by \`probe_settings\` (global -> cluster -> server, the most specific wins); runs keep their cadence
  with up to 5 % jitter. The first run of each probe on a server after a start (or a takeover) is at
  a random point of its interval, or of the first 60 s when the interval is longer, so a start is not
  a burst: every probe is due within a minute of the start. Change-tracked probes compare that first run with
  the latest snapshot stored for the server (and database), so a restart stores no copy of an
  unchanged snapshot.
- **Unreachable server**: marked \`down\` in \`server_status\` with the connection error class (the
  same codes as test-connection), a \`connectivity\` row with \`up = false\`, and retried after 5 s,
  doubling up to 5 minutes. Other servers are not delayed.
- **Half-open connections**: every query has a client-side timeout (statement timeout + 5 s, 15 s;
  \`queryTimeoutMs\`), sessions use TCP keepalive (first probe after 10 s idle) and
  \`idle_in_transaction_session_timeout\` 60 s on the server. A query that gets no answer ends its
  session (the socket is destroyed if the peer does not close within 1 s), which frees its slot; the
  server is then retried like an unreachable one. Tested with a TCP proxy that stops forwarding.
- **Writes**: samples go to a buffer bounded by \`PGVIGIL_COLLECTOR_BUFFER_ROWS\` (default 500,000
  rows) and are written every 2 s with one COPY per table in one transaction. While the datastore is
  away they stay buffered (the oldest are dropped beyond the bound); \`droppedRows\`,
  \`bufferedRows\`, probe failures and p99 schedule lateness are in the collector's heartbeat, shown
  by \`/api/v1/health\`.
- **Rollups**: each collector recomputes the rollups of the servers it holds: every minute the last
  three 5-minute buckets, and the last two hours when an hour has ended and every 10 minutes.
- **Retention** is per probe table, for every server: each table's daily partitions hold all
  servers' rows and are dropped whole, never by \`DELETE\`. The probe's default (the table below)
  is overridden by a \`probe_settings\` row of \`global\` scope; the datastore refuses a
  \`retention_days\` at cluster or server scope (\`probe_settings_retention_global\`, a
  \`ValidationError\`), since no partition could honour it. Intervals and enabling do apply per
  cluster and server.
- **Editing settings**: the Probes admin page (\`/admin/probes\`) and
  \`PUT\`/\`DELETE /api/v1/probe-settings/{probe}?scope=&id=\` (see \`docs/api.md\`) show each
  probe's effective enabled, interval and retention at a scope with the level that set it, and
  set or reset an override there (audited). The collector rereads \`probe_settings\` at every
  lease round (5 s) and applies a change at its next pass over the probes: a disabled probe stops,
  an enabled one runs, and a run planned with a longer interval moves into the new one.
- \`npm run probe -- --url <conninfo> [--json]\` runs every probe once against one server and prints
  rows and milliseconds, or why a probe is unavailable; nothing is stored.

## Plans of the top statements

- **What**: after each run of the \`statements\` probe the collector takes the window's top
  statements by execution time (\`PGVIGIL_PLANS_TOP_N\`, default 50; 0 turns capture off), each at
  most once an hour, and explains each in the database it spent the most time in, on the session the
  database lane already holds there (no extra session). Texts come from \`query_texts\`.
- **How**: \`EXPLAIN (FORMAT JSON)\`, never \`ANALYZE\`, so nothing runs; \`GENERIC_PLAN\` on
  PostgreSQL 16+ for texts with \`$n\` parameters, plain \`EXPLAIN\` for texts without; a parameterised
  statement on 14 and 15 is skipped with that reason. One statement per read-only transaction with
  \`statement_timeout\` 2 s and the probes' \`lock_timeout\` (100 ms); a plan that took more than the
  probes' relation lock budget (100) is dropped and not retried within the hour. Only SELECT, INSERT,
  UPDATE, DELETE, MERGE (and WITH / VALUES / TABLE) are explained; pgvigil's own statements and texts
  with \`;\` are not. A failure (a dropped table, a timeout, a missing privilege) skips that statement.
- **Stored**: \`query_plans\`, change-tracked per (server, queryid): a row when the plan's structural
  fingerprint (node types, relations, indexes, join order, CTE and subplan names; not costs, row
  estimates or filters) differs from the newest stored one, so each row's \`captured_at\` is when the
  plan changed; \`last_seen\` moves on each capture of the same plan. Each \`statements\` delta row
  carries the fingerprint of its statement's newest plan (\`plan_fingerprint\`), which the
  \`plan_regression\` rule compares across a change. Read with
  \`GET /api/v1/servers/{id}/queries/{queryid}/plans\`; the query page draws the tree, the history
  and a diff of two plans.
- **Grants**: PostgreSQL checks privileges when it plans, so \`pg_monitor\` alone plans nothing that
  reads application tables. \`GRANT pg_read_all_data TO pgvigil;\` (14+) or \`GRANT SELECT\` on the
  tables lets it explain SELECTs; explaining INSERT / UPDATE / DELETE / MERGE would need the write
  privilege, which pgvigil does not ask for: those statements are then skipped (permission denied).
- **auto_explain**: where \`auto_explain\` writes JSON plans (\`auto_explain.log_format = json\`)
  to a log the role may read (log insights, docs/alerting.md and docs/permissions.md, "The server
  log"), the log reader also stores those actual plans in \`query_plans\` with
  \`source: "auto_explain"\`, the same change tracking, and the logged duration as the plan's
  \`Execution Time\` (ms; with \`auto_explain.log_analyze\` the nodes carry their actual times and
  rows). The statement is matched by the log record's \`query_id\` (PostgreSQL 14+ with
  \`compute_query_id = on\`, or \`auto\` with pg_stat_statements loaded): the same id as
  \`pg_stat_statements.queryid\`, not a match on the text; else by the plan's \`Query Identifier\`
  (\`auto_explain.log_verbose\`). A plan with neither is skipped. Tested with a real PostgreSQL 18
  (\`apps/collector/test/log-events.test.ts\`).

## Missing-index candidates

- **What**: after the plans of a database's top statements are captured (same statements, same
  session, at most once an hour each; on 14 and 15 the \`$n\` statements too), pgvigil looks for
  indexes they lack. A table qualifies when its sequential scans read many rows
  (\`pg_stat_user_tables\`: at least 1,000 live rows and 1,000 rows read per scan on average). The
  statements' texts are parsed with PostgreSQL's own parser (\`libpg-query\`, WebAssembly in the
  collector; nothing is parsed on the server), and the columns a \`WHERE\` compares with a constant
  or parameter (\`=\`, \`IN\`, \`IS NULL\` first, then one of \`<\`, \`<=\`, \`>\`, \`>=\`,
  \`BETWEEN\`; \`OR\` arms and column-to-column joins do not count) make the candidate, unless a
  valid index already leads with its first column.
${QUALSTATS_DOC}- **Proof with hypopg**: when the database has the \`hypopg\` extension, each candidate is proven:
  the estimated cost of its statement with and without a hypothetical index
  (\`hypopg_create_index\`, then \`hypopg_reset()\`), \`EXPLAIN\` only (never \`ANALYZE\`), in a
  read-only transaction with \`statement_timeout\` 2 s and the probes' \`lock_timeout\`; a \`$n\`
  statement is planned as a forced generic plan through \`PREPARE\` (\`plan_cache_mode\`), which
  works on every major. A candidate is kept only if the cost at least halves; it is then
  \`verified: true\` with \`costBefore\` and \`costAfter\`. Without hypopg candidates are kept
  \`verified: false\` and their detail says they are unverified.
- **Stored**: \`index_candidates\`, one row per (server, database, table, columns); a check of the
  same statements that no longer proposes one deletes it, and one not checked for 7 days is no
  longer shown. Served as kind \`missing\` by \`GET .../databases/{db}/index-advice\`, the Advice
  page and the MCP \`index_advice\` tool, with \`CREATE INDEX CONCURRENTLY\`.
- **Grants**: those of plan capture (SELECT on the tables, for example \`pg_read_all_data\`); hypopg's
  functions are executable by every role once \`CREATE EXTENSION hypopg\` ran in the database.

${QUERY_EXTENSIONS_DOC}
## Reading samples (\`@pgvigil/db/metrics\`)

The dashboard and the alerter read through these functions; they look the probe up in
\`metric_catalog\` (written by the collector), so unknown probes or columns are a \`ValidationError\` /
\`NotFoundError\`, never SQL built from user text.

| function | returns |
|---|---|
| \`readLatest(db, { probe, serverIds, database?, columns?, at, maxAgeSeconds? })\` | per server (and database) the rows of the newest sample no older than 3 intervals (unbounded for change-tracked probes): \`{ serverId, database, collectedAt, key, values, rates }\`, \`rates\` holding each counter's per-second rate against the sample before |
| \`readSeries(db, { probe, serverId, database?, columns, from, to, keys?, resolution? })\` | \`{ resolution, rates, points: [{ t, key, values }] }\`: numeric columns, counters as per-second rates; \`resolution\` \`auto\` reads raw rows up to 6 h, 5-minute rollups up to 7 days, hourly rollups beyond |
| \`getMetricCatalog(db, probe)\` / \`listMetricCatalog(db)\` | a probe's scope, interval and columns (type, counter, delta, key, unit) |
| \`getQueryTexts(db, serverId, queryIds)\` | pg_stat_statements texts by queryid (decimal text: queryids are 64-bit) |
| \`listServerStatus(db)\` | per server: \`up\` / \`down\`, the classified connection error, since when |

Rollups (\`metrics.<probe>_5m\`, \`metrics.<probe>_1h\`) exist for probes with numeric columns whose
interval is shorter than the level; they hold \`samples\`, the key columns, the average of each gauge and
each counter's rate (sum of deltas over sum of seconds, reset intervals left out). The collector
recomputes the last few buckets of its servers, so late samples from its buffer are included.
`;

function flags(p: ProbeDefinition): string {
  return [
    p.changeTracked ? 'change-tracked' : '',
    p.mode === 'delta' ? 'deltas' : '',
    p.requiresExtension ? `needs ${p.requiresExtension}` : '',
    p.topN ? `top ${p.topN}` : '',
    p.sparse ? `sparse, keyframe ${p.sparse.keyframeSeconds} s` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function columnLine(c: ProbeDefinition['columns'][number]): string {
  const kind = [
    c.key ? 'key' : '',
    c.counter ? 'counter' : '',
    c.delta ? 'delta' : '',
    c.elapsed ? 'elapsed' : '',
    c.drifting ? 'drifting' : '',
    c.perRun ? 'per run' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `| \`${c.name}\` | ${c.type} | ${kind} | ${c.unit ?? ''} | ${c.description ?? ''} |`;
}

/** The PgBouncer section: the pooler probes, run on servers of kind `pgbouncer` only. */
function poolerSection(probes: readonly PoolerProbeDefinition[]): string[] {
  if (!probes.length) return [];
  const line = (c: PoolerProbeDefinition['columns'][number]) =>
    `| \`${c.name}\` | ${c.type} | ${[c.key ? 'key' : '', c.counter ? 'counter' : ''].filter(Boolean).join(', ')} | ${c.unit ?? ''} | ${c.description ?? ''} |`;
  return [
    `## PgBouncer: ${probes.length} pooler probes`,
    '',
    'Run on a server of kind `pgbouncer` (its admin console, as a `stats_users` user) instead of the',
    'probes above, with the simple query protocol and no transaction; see docs/topology.md. Their',
    "intervals, enabling and retention are tuned on the Probes admin page like the others'.",
    '',
    '| probe | commands | interval | retention | notes |',
    '|---|---|---|---|---|',
    ...probes.map(
      (p) =>
        `| [\`${p.name}\`](#${p.name}) | ${p.commands.map((c) => `\`${c}\``).join(', ')} | ${p.intervalSeconds} s | ${p.retentionDays} d | ${p.changeTracked ? 'change-tracked' : ''} |`,
    ),
    '',
    ...probes.map((p) =>
      [
        `### ${p.name}`,
        '',
        `**${p.title}.** ${p.description}`,
        '',
        '| column | type | kind | unit | description |',
        '|---|---|---|---|---|',
        ...p.columns.map(line),
        '',
      ].join('\n'),
    ),
  ];
}

/** docs/probes.md, entirely from the probe definitions (PostgreSQL's, then the pooler's). */
export function renderProbesDoc(
  probes: readonly ProbeDefinition[],
  poolerProbes: readonly PoolerProbeDefinition[] = [],
): string {
  const summary = probes.map(
    (p) =>
      `| [\`${p.name}\`](#${p.name}) | ${p.scope} | ${p.intervalSeconds} s | ${p.retentionDays} d | ${version(p.minServerVersion)}+ | ${flags(p)} |`,
  );
  const sections = probes.map((p) =>
    [
      `### ${p.name}`,
      '',
      `**${p.title}.** ${p.description}`,
      '',
      `- Reads: ${p.sources.map((s) => `\`${s}\``).join(', ')}`,
      `- Scope ${p.scope}, every ${p.intervalSeconds} s, kept ${p.retentionDays} days, PostgreSQL ${version(p.minServerVersion)}+` +
        (p.sql.length > 1
          ? `; SQL variants from ${p.sql.map((v) => (v.minExtensionVersion ? `extension ${v.minExtensionVersion}` : version(v.minVersion))).join(', ')}`
          : ''),
      ...(p.notes ? [`- Versions: ${p.notes}`] : []),
      ...(p.needs?.length
        ? [
            `- Needs ${p.needs.map((n) => `\`${n}\``).join(', ')}, else unavailable: ${privilegeReason(p.needs, '<role>')}`,
          ]
        : []),
      ...(flags(p) ? [`- ${flags(p)}`] : []),
      '',
      '| column | type | kind | unit | description |',
      '|---|---|---|---|---|',
      ...p.columns.map(columnLine),
      '',
    ].join('\n'),
  );
  return [
    INTRO,
    `## All ${probes.length} probes`,
    '',
    '| probe | scope | interval | retention | since | notes |',
    '|---|---|---|---|---|---|',
    ...summary,
    '',
    '## Probe reference',
    '',
    ...sections,
    ...poolerSection(poolerProbes),
  ].join('\n');
}
