// The DBA's dashboard: fleet, clusters, servers, databases, tables and indexes, read-only.
import {
  ALERT_STATES,
  BASELINE_SOURCES,
  CHART_IDS,
  CHART_UNITS,
  ENVIRONMENTS,
  FLEET_SORTS,
  HEALTH_STATES,
  INDEX_ISSUES,
  LAG_LEVELS,
  SCHEMA_CHANGES,
  SELF_PROBLEM_CODES,
  SERVER_KINDS,
  SEVERITIES,
  TABLE_SORTS,
  TOP_QUERY_SORTS,
} from '@pgvigil/schema';
import { z } from 'zod';
import { dataMap, id, nextCursor, pageQuery, timestamp } from './common';
import { endpoint } from './endpoint';

const serverParams = { id: 'a server id' };
const databaseParams = { ...serverParams, db: 'a database name (URI-encoded)' };
const serverIdQuery = z.coerce.number().int().positive();
const window = {
  from: z.iso.datetime({ offset: true }).meta({ description: 'start of the window, ISO 8601' }),
  to: z.iso.datetime({ offset: true }).meta({ description: 'end of the window, ISO 8601' }),
};

export const activeAlert = z
  .object({
    id,
    ruleName: z.string(),
    ruleKey: z.string(),
    serverId: id.nullable(),
    serverName: z.string().nullable(),
    databaseName: z.string().nullable(),
    objectKey: z.string().nullable(),
    state: z.enum(ALERT_STATES),
    severity: z.enum(SEVERITIES).nullable(),
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    message: z.string(),
    startedAt: timestamp,
    firedAt: timestamp.nullable(),
  })
  .meta({ id: 'ActiveAlert' });
export type ActiveAlert = z.output<typeof activeAlert>;

export const fleetServer = z
  .object({
    id,
    name: z.string(),
    host: z.string(),
    port: z.number().int(),
    environment: z.enum(ENVIRONMENTS),
    tags: z.array(z.string()),
    enabled: z.boolean(),
    clusterId: id.nullable(),
    clusterName: z.string().nullable(),
    activeAlerts: z.number().int(),
    worstSeverity: z.enum(SEVERITIES).nullable(),
    /** the last reachability check by a collector; null before the first */
    reachability: z.enum(['up', 'down']).nullable(),
    reachabilitySince: timestamp.nullable(),
    errorCode: z.string().nullable(),
    health: z.enum(HEALTH_STATES),
    /** current rates from the latest samples; null when not collected */
    tps: z.number().nullable(),
    connectionsUsedPct: z.number().nullable(),
    cacheHitPct: z.number().nullable(),
    /** what it is: a PostgreSQL server, or a PgBouncer pooler */
    kind: z.enum(SERVER_KINDS),
    /** a pooler's pools and waits from its newest sample; null for PostgreSQL or not collected yet */
    pooler: z
      .object({
        pools: z.number().int(),
        clientsActive: z.number(),
        clientsWaiting: z.number(),
        maxWaitSeconds: z.number().nullable(),
        utilisationPct: z.number().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'FleetServer' });
export type FleetServer = z.output<typeof fleetServer>;

export const listFleet = endpoint({
  method: 'GET',
  path: '/fleet',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Servers with their health and active alerts: search, filter, sort',
  description:
    '`sort`: `severity` (default: down first, then worst active alert), `name`, `cluster`, `environment`, `alerts`. `health`: `ok`, `unknown` (not checked yet), `degraded`, `critical`, `down`, `disabled`. `total` counts every match.',
  query: pageQuery.extend({
    q: z.string().trim().max(100).optional().meta({ description: 'in name, host or cluster' }),
    environment: z.enum(ENVIRONMENTS).optional(),
    clusterId: z.coerce.number().int().positive().optional(),
    tag: z.string().trim().max(100).optional(),
    sort: z.enum(FLEET_SORTS).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
  }),
  response: z.object({ servers: z.array(fleetServer), total: z.number().int(), nextCursor }),
});

export const listActiveAlerts = endpoint({
  method: 'GET',
  path: '/dashboard/alerts',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Firing and acknowledged alerts, critical first, then oldest',
  query: pageQuery.extend({
    serverId: serverIdQuery.optional(),
    clusterId: z.coerce.number().int().positive().optional(),
    databaseName: z.string().max(200).optional(),
    objectKey: z.string().max(500).optional().meta({ description: '`schema.name`' }),
  }),
  response: z.object({ alerts: z.array(activeAlert), nextCursor }),
});

export const clusterOverview = z
  .object({
    id,
    name: z.string(),
    description: z.string(),
    environment: z.enum(ENVIRONMENTS),
    tags: z.array(z.string()),
    members: z.array(fleetServer),
    alerts: z.array(activeAlert),
  })
  .meta({ id: 'ClusterOverview' });
export type ClusterOverview = z.output<typeof clusterOverview>;

export const getClusterOverview = endpoint({
  method: 'GET',
  path: '/dashboard/clusters/{id}',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'A cluster, its members (as in /fleet) and its active alerts',
  params: { id: 'a cluster id' },
  response: clusterOverview,
});

export const topology = z
  .object({
    nodes: z.array(
      z.object({
        key: z.string(),
        serverId: id.nullable(),
        label: z.string(),
        role: z.enum(['primary', 'standby', 'subscriber', 'external', 'unknown']),
        depth: z.number().int(),
      }),
    ),
    edges: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        kind: z.enum(['physical', 'logical']),
        /** the upstream's WAL sender name: the series of its replication lag chart */
        applicationName: z.string().nullable(),
        replayLagBytes: z.number().nullable(),
        replayLagSeconds: z.number().nullable(),
        level: z.enum(LAG_LEVELS),
      }),
    ),
  })
  .meta({ id: 'ClusterTopology' });
export type ClusterTopology = z.output<typeof topology>;

export const getClusterTopology = endpoint({
  method: 'GET',
  path: '/dashboard/clusters/{id}/topology',
  access: 'viewer',
  tag: 'dashboard',
  summary: "The cluster's replication topology: members and links with their replay lag",
  params: { id: 'a cluster id' },
  response: topology,
});

export const serverOverview = z
  .object({
    id,
    name: z.string(),
    description: z.string(),
    host: z.string(),
    port: z.number().int(),
    dbname: z.string(),
    environment: z.enum(ENVIRONMENTS),
    tags: z.array(z.string()),
    enabled: z.boolean(),
    clusterId: id.nullable(),
    clusterName: z.string().nullable(),
    createdAt: timestamp,
    reachability: z.enum(['up', 'down']).nullable(),
    reachabilitySince: timestamp.nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    serverVersionNum: z.number().int().nullable(),
    via: z.string().nullable().meta({
      description: 'the SSH bastion the server is reached through (ssh user@host:port), or null',
    }),
    health: z.enum(HEALTH_STATES),
    alerts: z.array(activeAlert),
    /** plain sentences: what is wrong, since when */
    summary: z.array(z.string()),
  })
  .meta({ id: 'ServerOverview' });
export type ServerOverview = z.output<typeof serverOverview>;

export const getServerOverview = endpoint({
  method: 'GET',
  path: '/servers/{id}/overview',
  access: 'viewer',
  tag: 'dashboard',
  summary: "A server's identity (no secrets), reachability, health, active alerts and summary",
  params: serverParams,
  response: serverOverview,
});

export const serverDatabase = z
  .object({
    name: z.string(),
    lastSeenAt: timestamp,
    commitsPerSecond: z.number().nullable(),
    rollbacksPerSecond: z.number().nullable(),
    cacheHitPercent: z.number().nullable(),
  })
  .meta({ id: 'ServerDatabase' });

export const listServerDatabases = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'The databases last seen on a server, with commit and rollback rates and cache hits',
  params: serverParams,
  query: pageQuery,
  response: z.object({ databases: z.array(serverDatabase), nextCursor }),
});

export const databaseTable = z
  .object({
    schemaname: z.string(),
    relname: z.string(),
    /** the number of partitions of a partitioned table */
    partitions: z.number().int().nullable(),
    /** heap + TOAST + indexes */
    totalBytes: z.number().nullable(),
    liveTuples: z.number().nullable(),
    deadTuples: z.number().nullable(),
    deadPct: z.number().nullable(),
    seqScansPerSecond: z.number().nullable(),
    idxScansPerSecond: z.number().nullable(),
    /** hourly estimate, tables over 1 MB */
    bloatBytes: z.number().nullable(),
    bloatPct: z.number().nullable(),
    lastAutovacuum: timestamp.nullable(),
    lastVacuum: timestamp.nullable(),
    lastAnalyze: timestamp.nullable(),
    freezeAge: z.number().nullable(),
    hasPrimaryKey: z.boolean(),
  })
  .meta({ id: 'DatabaseTable' });
export type DatabaseTable = z.output<typeof databaseTable>;

export const databaseIndex = z
  .object({
    schemaname: z.string(),
    indexrelname: z.string(),
    relname: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    scansPerSecond: z.number().nullable(),
    /** since the last stats reset */
    scans: z.number().nullable(),
    /** PostgreSQL 16+ */
    lastScan: timestamp.nullable(),
    isValid: z.boolean().nullable(),
    isUnique: z.boolean().nullable(),
    isPrimary: z.boolean().nullable(),
    bloatBytes: z.number().nullable(),
    bloatPct: z.number().nullable(),
    issues: z.array(z.object({ issue: z.enum(INDEX_ISSUES), detail: z.string().nullable() })),
  })
  .meta({ id: 'DatabaseIndex' });
export type DatabaseIndex = z.output<typeof databaseIndex>;

export const schemaChange = z
  .object({
    /** the first snapshot with the change: it happened since `previousAt` */
    seenAt: timestamp,
    previousAt: timestamp,
    schemaname: z.string(),
    name: z.string(),
    kind: z.string(),
    change: z.enum(SCHEMA_CHANGES),
  })
  .meta({ id: 'SchemaChange' });
export type SchemaChange = z.output<typeof schemaChange>;

export const listDatabaseTables = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/tables',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'The tables of a database from the newest `tables` sample (every 10 minutes)',
  description:
    '`sort`: `size` (default), `scans`, `dead`, `bloat`, `vacuum` (never or longest ago first).',
  params: databaseParams,
  query: pageQuery.extend({ sort: z.enum(TABLE_SORTS).optional() }),
  response: z.object({ tables: z.array(databaseTable), nextCursor }),
});

export const getTableDetail = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/tables/{schema}/{table}',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'One table: its newest facts, its indexes, its DDL changes and its active alerts',
  description: 'A 404 for a table not among the sampled 200 largest.',
  params: { ...databaseParams, schema: 'the schema name', table: 'the table name' },
  response: z.object({
    table: databaseTable,
    indexes: z.array(databaseIndex),
    changes: z.array(schemaChange),
    alerts: z.array(activeAlert),
  }),
});

export const listDatabaseIndexes = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/indexes',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Indexes of a database, largest first, with unused / duplicate / invalid flags',
  params: databaseParams,
  query: pageQuery.extend({
    schema: z.string().min(1).max(200).optional(),
    table: z.string().min(1).max(200).optional(),
  }),
  response: z.object({ indexes: z.array(databaseIndex), nextCursor }),
});

export const getIndexDetail = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/indexes/{schema}/{index}',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'One index: its newest facts and flags, and its active alerts',
  params: { ...databaseParams, schema: 'the schema name', index: 'the index name' },
  response: z.object({ index: databaseIndex, alerts: z.array(activeAlert) }),
});

export const databaseFindings = z
  .object({
    /** the 10 sequences closest to running out */
    sequences: z.array(
      z.object({
        schemaname: z.string(),
        sequencename: z.string(),
        dataType: z.string().nullable(),
        lastValue: z.number().nullable(),
        /** the worse of the sequence's own maximum and its column type's */
        usedPct: z.number().nullable(),
        columnType: z.string().nullable(),
      }),
    ),
    withoutPk: z.array(
      z.object({
        schemaname: z.string(),
        relname: z.string(),
        replicaIdentity: z.string().nullable(),
        estimatedRows: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'DatabaseFindings' });
export type DatabaseFindings = z.output<typeof databaseFindings>;

export const getDatabaseFindings = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/findings',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Sequences closest to running out and tables without a primary key',
  params: databaseParams,
  response: databaseFindings,
});

export const listSchemaChanges = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/schema-changes',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'DDL events, newest first, from diffs of consecutive schema snapshots',
  description: 'The first snapshot is a baseline.',
  params: databaseParams,
  query: pageQuery.extend({
    schema: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
  }),
  response: z.object({ changes: z.array(schemaChange), nextCursor }),
});

export const chartData = z
  .object({
    chart: z.object({
      id: z.string(),
      title: z.string(),
      probe: z.string(),
      columns: z.array(z.string()).readonly(),
      unit: z.enum(CHART_UNITS),
      splitBy: z.string().optional(),
      databaseKey: z.string().optional(),
      combine: z.enum(['sum', 'avg']),
      stacked: z.boolean().optional(),
      objectKey: z.enum(['relname', 'indexrelname']).optional(),
      /** series -> what legends call it */
      labels: dataMap(z.string()),
      unavailableHint: z.string(),
      emptyHint: z.string().optional(),
    }),
    available: z.boolean(),
    /** why there is nothing to draw, in words a DBA can act on */
    reason: z.string().optional(),
    resolution: z.enum(['raw', '5m', '1h']).nullable(),
    bucketSeconds: z.number(),
    /** the plotted series (columns, or key values for split charts) */
    series: z.array(z.string()),
    /** `t` (epoch ms) and one number or null per series, keyed by the series' name */
    rows: z.array(dataMap(z.number().nullable())),
  })
  .meta({ id: 'ChartData' });
export type ChartData = z.output<typeof chartData>;

export const readChart = endpoint({
  method: 'GET',
  path: '/servers/{id}/metrics/{chart}',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'One chart of a server; counters as per-second rates, safe across resets',
  description:
    'Raw samples up to 6 h, 5-minute rollups up to 7 days, hourly beyond (`resolution`). Table charts (`table_*`) and index charts (`index_*`) need `databaseName`, `schema` and `object`. A probe not collected gives `available: false` with a `reason`, not an error.',
  params: { ...serverParams, chart: `one of ${CHART_IDS.join(', ')}` },
  query: z.object({
    ...window,
    databaseName: z.string().min(1).max(200).optional(),
    schema: z.string().min(1).max(200).optional(),
    object: z.string().min(1).max(200).optional(),
  }),
  response: chartData,
});

export const expectedBand = z
  .object({
    rule: z.string(),
    name: z.string(),
    serverId: id,
    object: z.string().nullable(),
    unit: z.string(),
    /** the rule's warning threshold in robust standard deviations, and its level */
    sensitivity: z.object({ value: z.number().nullable(), source: z.string() }),
    /** the newest hour has a baseline */
    ready: z.boolean(),
    /** why the newest hour has none ("warming up: 40 of 168 hours of history") */
    reason: z.string().nullable(),
    points: z.array(
      z.object({
        at: timestamp,
        lower: z.number().nullable(),
        median: z.number().nullable(),
        upper: z.number().nullable(),
        source: z.enum(BASELINE_SOURCES).nullable(),
      }),
    ),
  })
  .meta({ id: 'ExpectedBand' });
export type ExpectedBand = z.output<typeof expectedBand>;

export const readBaseline = endpoint({
  method: 'GET',
  path: '/servers/{id}/baselines/{rule}',
  access: 'viewer',
  tag: 'dashboard',
  summary: "An anomaly rule's expected band on a server, hour by hour",
  description:
    "Computed by the alerter's own baseline code over the 21 days of hourly rollups before each hour, with the rule's effective sensitivity there. The window defaults to the last 24 h, at most 31 days. `object` picks the series the rule judges (a database, a standby as `application_name.client_addr`); without it, every object's values are added up. 404 for a rule that is not an anomaly rule.",
  params: { ...serverParams, rule: 'an anomaly rule key, e.g. `anomaly_tps`' },
  query: z.object({
    from: window.from.optional(),
    to: window.to.optional(),
    object: z.string().min(1).max(200).optional(),
  }),
  response: expectedBand,
});

const blockingNode: z.ZodType<BlockingNode> = z.lazy(() =>
  z
    .object({
      pid: z.number().int(),
      /** how long this session has waited, for blocked sessions */
      blockedSeconds: z.number().nullable(),
      query: z.string().nullable(),
      state: z.string().nullable(),
      user: z.string().nullable(),
      datname: z.string().nullable(),
      blocks: z.array(blockingNode),
    })
    .meta({ id: 'BlockingNode' }),
);
export interface BlockingNode {
  pid: number;
  blockedSeconds: number | null;
  query: string | null;
  state: string | null;
  user: string | null;
  datname: string | null;
  blocks: BlockingNode[];
}

export const liveActivity = z
  .object({
    /** when the session list was sampled (every 15 s); null when none is recent */
    sessionsAt: timestamp.nullable(),
    sessions: z.array(
      z.object({
        pid: z.number().int(),
        datname: z.string().nullable(),
        usename: z.string().nullable(),
        applicationName: z.string().nullable(),
        clientAddr: z.string().nullable(),
        state: z.string().nullable(),
        waitEventType: z.string().nullable(),
        waitEvent: z.string().nullable(),
        query: z.string().nullable(),
        backendStart: timestamp.nullable(),
        xactSeconds: z.number().nullable(),
        querySeconds: z.number().nullable(),
        stateSeconds: z.number().nullable(),
      }),
    ),
    /** sessions sampled in all, of which `sessions` are the busiest */
    totalSessions: z.number().int(),
    blockingAt: timestamp.nullable(),
    /** roots hold the locks others wait for */
    blockingTree: z.array(blockingNode),
  })
  .meta({ id: 'LiveActivity' });
export type LiveActivity = z.output<typeof liveActivity>;

export const getLiveActivity = endpoint({
  method: 'GET',
  path: '/servers/{id}/activity',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'The newest sampled sessions and the blocking tree',
  description:
    'One snapshot, not a list: `sessions` are the busiest of `totalSessions` (active, then open transactions, longest first), at most `sessions` of them.',
  params: serverParams,
  query: z.object({
    sessions: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .meta({ description: 'at most this many sessions, 100 by default' }),
  }),
  response: liveActivity,
});

export const settingChange = z
  .object({
    /** the first snapshot with the new value: it changed since `previousAt` */
    seenAt: timestamp,
    previousAt: timestamp,
    name: z.string(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    unit: z.string().nullable(),
    source: z.string().nullable(),
    pendingRestart: z.boolean().nullable(),
  })
  .meta({ id: 'SettingChange' });
export type SettingChange = z.output<typeof settingChange>;

export const currentSetting = z
  .object({
    name: z.string(),
    setting: z.string().nullable(),
    unit: z.string().nullable(),
    source: z.string().nullable(),
    pendingRestart: z.boolean().nullable(),
  })
  .meta({ id: 'CurrentSetting' });
export type CurrentSetting = z.output<typeof currentSetting>;

export const listSettingChanges = endpoint({
  method: 'GET',
  path: '/servers/{id}/settings-changes',
  access: 'viewer',
  tag: 'dashboard',
  summary: "A server's setting changes, newest first",
  params: serverParams,
  query: pageQuery,
  response: z.object({ changes: z.array(settingChange), nextCursor }),
});

export const listSettings = endpoint({
  method: 'GET',
  path: '/servers/{id}/settings',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'The settings not at their built-in default, from the newest snapshot, by name',
  params: serverParams,
  query: pageQuery,
  response: z.object({ settings: z.array(currentSetting), nextCursor }),
});

export const topQuery = z
  .object({
    /** text: a signed 64-bit hash, beyond what a JS number holds exactly */
    queryid: z.string(),
    dbid: z.number().int(),
    query: z.string().nullable(),
    calls: z.number(),
    totalTimeMs: z.number(),
    meanTimeMs: z.number().nullable(),
    rows: z.number(),
    sharedBlksHit: z.number(),
    sharedBlksRead: z.number(),
    tempBlksWritten: z.number(),
  })
  .meta({ id: 'TopQuery' });
export type TopQuery = z.output<typeof topQuery>;

export const listTopQueries = endpoint({
  method: 'GET',
  path: '/servers/{id}/top-queries',
  access: 'viewer',
  tag: 'dashboard',
  summary:
    'What ran in the window, from pg_stat_statements deltas stored each minute (past 6 hours from their 5-minute rollups, past 7 days from the hourly ones, as the query page reads them)',
  description:
    "`sort`: `total_time` (default), `mean_time`, `calls`, `rows`, `io`, `temp`. pgvigil's own statements are hidden unless `includeOwn=true`.",
  params: serverParams,
  query: pageQuery.extend({
    ...window,
    sort: z.enum(TOP_QUERY_SORTS).optional(),
    includeOwn: z.enum(['true', 'false']).optional(),
  }),
  response: z.object({
    available: z.boolean(),
    reason: z.string().optional(),
    queries: z.array(topQuery),
    nextCursor,
  }),
});

export const queryHistory = z
  .object({
    queryid: z.string(),
    /** the normalized text; null until the collector fetched it, or for the cap row */
    query: z.string().nullable(),
    dbids: z.array(z.number().int()),
    databases: z.array(z.object({ dbid: z.number().int(), name: z.string().nullable() })),
    totals: z.object({
      calls: z.number(),
      totalTimeMs: z.number(),
      meanTimeMs: z.number().nullable(),
      rows: z.number(),
      sharedBlksHit: z.number(),
      sharedBlksRead: z.number(),
      tempBlksRead: z.number(),
      tempBlksWritten: z.number(),
    }),
    /** raw runs up to 6 hours, the statements' 5-minute rollups up to 7 days, hourly beyond */
    resolution: z.enum(['raw', '5m', '1h']),
    bucketSeconds: z.number(),
    points: z.array(
      z.object({
        /** bucket start, epoch ms */
        t: z.number(),
        callsPerSecond: z.number(),
        meanTimeMs: z.number().nullable(),
        rowsPerSecond: z.number(),
      }),
    ),
  })
  .meta({ id: 'QueryHistory' });
export type QueryHistory = z.output<typeof queryHistory>;

export const getQueryHistory = endpoint({
  method: 'GET',
  path: '/servers/{id}/queries/{queryid}',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'One statement over the window (all roles and databases summed)',
  description:
    '404 when the queryid has no stored text and did not run in the window; 400 for a malformed queryid. At most 300 buckets; rates over the time the collector covered in each. Raw runs up to 6 hours, then the statements rollups (sums, so means are total time over calls): 5-minute up to 7 days, hourly beyond (`resolution`).',
  params: { ...serverParams, queryid: 'a signed 64-bit hash as text, or `(others)`' },
  query: z.object(window),
  response: queryHistory,
});

const isoTime = z.iso.datetime({ offset: true });
const componentHealth = z.object({
  status: z.enum(['up', 'stale', 'never_seen']),
  lastSeenAt: isoTime.nullable(),
  instances: z.number().int(),
  /** what the component reported of itself (version, pid, rows buffered and dropped...) */
  info: dataMap(z.unknown()).nullable(),
});
const supervisorView = z
  .object({
    state: z.enum(['up', 'restarting', 'gave_up', 'stopped']),
    downSince: isoTime.nullable(),
    attempt: z.number().int(),
    restarts: z.number().int(),
    lastExit: z
      .object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: isoTime })
      .nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: isoTime.nullable(),
    advice: z.string().nullable(),
  })
  .meta({
    id: 'DatastoreSupervisor',
    description: 'what `npm start` does about its embedded datastore; null for an external one',
  });
export const selfProblem = z
  .object({
    code: z.enum(SELF_PROBLEM_CODES),
    severity: z.enum(['warning', 'critical']),
    what: z.string(),
    since: isoTime.nullable(),
    doing: z.string().nullable(),
  })
  .meta({
    id: 'SelfProblem',
    description: 'What is wrong with pgvigil itself, in plain words: the notice every page shows',
  });
export const health = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    datastore: z.object({
      reachable: z.boolean(),
      latencyMs: z.number().nullable(),
      error: z.string().optional(),
      unreachableSince: isoTime.nullable(),
      supervisor: supervisorView.nullable(),
    }),
    migrationVersion: z.number().int().nullable(),
    components: z.object({
      collector: componentHealth.optional(),
      alerter: componentHealth.optional(),
      web: componentHealth.optional(),
    }),
    problems: z.array(selfProblem),
  })
  .meta({ id: 'Health' });

export const getHealth = endpoint({
  method: 'GET',
  path: '/health',
  access: 'public',
  tag: 'health',
  summary:
    "pgvigil's own health: the datastore, the collector's and alerter's heartbeats, problems in plain words",
  description:
    '503 when the datastore is unreachable. `status` is `degraded` when `problems` is not empty. `datastore.supervisor` says what `npm start` does about its embedded datastore (restarting, attempt, last error). `problems` are the sentences every page shows, as data.',
  response: health,
});
