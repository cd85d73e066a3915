import type { Db } from '@pgvigil/db';
import { ensureMetricTable, type Sample } from '@pgvigil/db/metrics';
import { listPatroniClusters, recordPatroniPoll, type PatroniCluster } from '@pgvigil/db/registry';
import {
  matchMembers,
  memberAnswers,
  PATRONI_METRIC,
  patroniEvents,
  patroniRows,
  readPatroni,
  type Resolver,
} from '@pgvigil/probes';

export interface PatroniPollerDeps {
  db: Db;
  /** servers this collector holds: it polls the clusters whose first server is among them */
  held: () => readonly number[];
  sink: (sample: Sample) => void;
  now: () => number;
  timeoutMs?: number;
  resolve?: Resolver;
  log?: (message: string) => void;
}

/**
 * Polls each Patroni cluster once per interval through its REST API: one metrics.patroni
 * row per registered member (roles and state in step with Patroni), and a switchover or
 * failover event when the leader or timeline moved since the last poll. Of several
 * collectors, the one holding the cluster's first server polls it, so events are not
 * recorded twice. A failed read is stored on the cluster, never thrown.
 */
export class PatroniPoller {
  private tableReady = false;

  constructor(private readonly deps: PatroniPollerDeps) {}

  private options() {
    return {
      timeoutMs: this.deps.timeoutMs ?? 5_000,
      ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
    };
  }

  async pollAll(): Promise<void> {
    const { db } = this.deps;
    if (!this.tableReady) {
      await ensureMetricTable(db, PATRONI_METRIC, new Date(this.deps.now()));
      this.tableReady = true;
    }
    const held = new Set(this.deps.held());
    for (const cluster of await listPatroniClusters(db)) {
      const first = cluster.servers[0];
      if (!first || !held.has(first.serverId)) continue;
      await this.poll(cluster);
    }
  }

  async poll(cluster: PatroniCluster): Promise<void> {
    const at = new Date(this.deps.now());
    let view;
    try {
      view = await readPatroni(cluster.url, this.options());
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await recordPatroniPoll(this.deps.db, cluster.clusterId, at, { ok: false, error });
      this.deps.log?.(`patroni ${cluster.name}: ${error}`);
      return;
    }
    const ids = matchMembers(view, cluster.servers);
    for (const { serverId, row } of patroniRows(view, ids))
      this.deps.sink({ collectedAt: at, serverId, rows: [row] });
    // a new leader: does the old one's Patroni still answer (switchover) or not (failover)?
    const old =
      cluster.leader !== view.leader
        ? view.members.find((m) => m.name === cluster.leader)
        : undefined;
    const oldAnswers = old?.apiUrl ? await memberAnswers(old.apiUrl, this.options()) : false;
    const events = patroniEvents(cluster, view, at, { answers: oldAnswers }).map((e) => ({
      kind: e.kind,
      at: e.at,
      title: e.title,
      details: e.details,
      serverId: ids.get(e.to) ?? null,
    }));
    await recordPatroniPoll(this.deps.db, cluster.clusterId, at, {
      ok: true,
      leader: view.leader,
      timeline: view.timeline,
      view,
      events,
    });
  }
}
