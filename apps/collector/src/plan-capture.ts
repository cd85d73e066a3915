import type { CapturedPlan, IndexCandidate } from '@pgvigil/db/metrics';
import {
  adviseMissingIndexes,
  explainPlan,
  pickPlanCandidates,
  planRefusal,
  PLAN_RECAPTURE_MS,
  type ProbeClient,
} from '@pgvigil/probes';

export interface PlanCaptureDeps {
  /** statements explained per server and window; 0 turns plan capture off */
  topN: number;
  queryTexts(ids: string[]): Promise<Map<string, string>>;
  savePlans(plans: CapturedPlan[]): Promise<void>;
  /** what a check of a database's statements for missing indexes found (off without it) */
  saveIndexCandidates?(
    database: string,
    checked: string[],
    candidates: IndexCandidate[],
  ): Promise<void>;
  now(): number;
}

interface Pending {
  queryid: string;
  text: string;
  /** false: only checked for missing indexes (a $n statement before PostgreSQL 16) */
  explain: boolean;
}

/**
 * Plans of a server's top statements. After each run of the statements probe the
 * instance lane queues the top N of the window (each at most once an hour) by the
 * database they ran in; the database lane explains them when it holds a session
 * there, so capture opens no session of its own. The same statements are then checked
 * for missing indexes (adviseMissingIndexes), $n ones before 16 included: the advisor
 * plans those through PREPARE.
 */
export class PlanCapture {
  private readonly lastTried = new Map<string, number>();
  private readonly pending = new Map<string, Pending[]>();
  /** the last reason a statement was not explained, for `npm run probe` and tests */
  readonly skipped = new Map<string, string>();
  /** queryid -> fingerprint of its newest captured plan */
  readonly fingerprints = new Map<string, string>();

  constructor(private readonly deps: PlanCaptureDeps) {}

  get databases(): ReadonlySet<string> {
    return new Set(this.pending.keys());
  }

  /** Drops what was queued for databases that no longer exist or accept connections. */
  forget(except: readonly string[]): void {
    for (const db of this.pending.keys()) if (!except.includes(db)) this.pending.delete(db);
  }

  /** Queues the window's top statements (delta rows of the statements probe). */
  async queue(
    client: ProbeClient,
    rows: readonly Record<string, unknown>[],
    serverVersion: number,
  ): Promise<void> {
    if (this.deps.topN <= 0) return;
    const now = this.deps.now();
    const candidates = pickPlanCandidates(rows, {
      topN: this.deps.topN,
      lastTried: this.lastTried,
      now,
    });
    if (candidates.length === 0) return;
    const texts = await this.deps.queryTexts(candidates.map((c) => c.queryid));
    const names = await client.query(
      `SELECT /* pgvigil:plans */ oid::text AS dbid, datname FROM pg_database WHERE datallowconn`,
    );
    const byOid = new Map(names.rows.map((r) => [String(r.dbid), String(r.datname)]));
    for (const c of candidates) {
      const text = texts.get(c.queryid);
      const dbname = byOid.get(c.dbid);
      if (text === undefined || dbname === undefined) continue; // text not fetched yet: next run
      this.lastTried.set(c.queryid, now);
      const refused = planRefusal(text, serverVersion);
      if (refused) this.skipped.set(c.queryid, refused);
      const advisable =
        this.deps.saveIndexCandidates !== undefined && planRefusal(text, 160000) === null;
      if (refused && !advisable) continue;
      const list = this.pending.get(dbname) ?? [];
      list.push({ queryid: c.queryid, text, explain: refused === null });
      this.pending.set(dbname, list);
    }
  }

  /** Explains what is queued for `dbname` on a session there; true when the session was lost. */
  async capture(client: ProbeClient, dbname: string, serverVersion: number): Promise<boolean> {
    const todo = this.pending.get(dbname) ?? [];
    this.pending.delete(dbname);
    const plans: CapturedPlan[] = [];
    let lost = false;
    for (const [n, p] of todo.entries()) {
      if (!p.explain) continue;
      const r = await explainPlan(client, p.text, serverVersion);
      if (r.status === 'ok') {
        plans.push({
          queryid: p.queryid,
          fingerprint: r.fingerprint,
          source: r.source,
          database: dbname,
          plan: r.plan,
        });
        this.skipped.delete(p.queryid);
        this.fingerprints.set(p.queryid, r.fingerprint);
      } else {
        this.skipped.set(p.queryid, r.reason);
        if (r.connectionLost) {
          // not tried: eligible again on the next run
          for (const rest of todo.slice(n)) this.lastTried.delete(rest.queryid);
          lost = true;
          break;
        }
      }
    }
    if (plans.length > 0) {
      await this.deps.savePlans(plans).catch(() => {
        // datastore away: these statements are explained again on the next run
        for (const p of plans) this.lastTried.set(p.queryid, this.deps.now() - PLAN_RECAPTURE_MS);
      });
    }
    if (!lost && todo.length > 0 && this.deps.saveIndexCandidates) {
      const advice = await adviseMissingIndexes(client, todo);
      if (advice.connectionLost) lost = true;
      else
        await this.deps
          .saveIndexCandidates(
            dbname,
            todo.map((p) => p.queryid),
            advice.candidates,
          )
          .catch(() => undefined); // datastore away: checked again within the hour
    }
    return lost;
  }
}
