/**
 * Actual plans auto_explain wrote to the server log (auto_explain.log_format = json): a LOG
 * record "duration: 12.3 ms  plan:\n{...}". The statement is the record's query_id (14+,
 * with compute_query_id on, or 'auto' with pg_stat_statements loaded: the same id as
 * pg_stat_statements.queryid), else the plan's "Query Identifier" (auto_explain.log_verbose).
 * Ids are taken from the text: they are 64-bit, beyond what a JSON number holds exactly.
 */
import type { PlanNode } from '@pgvigil/schema';
import { planFingerprint } from '../plans/fingerprint';
import type { LogRecord } from './parse';

export interface LoggedPlan {
  queryid: string;
  fingerprint: string;
  source: 'auto_explain';
  database: string;
  /** the Plan node, with the statement's logged duration as "Execution Time" (ms) */
  plan: PlanNode;
}

const HEAD = /^duration: (\d+(?:\.\d+)?) ms {2}plan:\s*\n?/;

export function autoExplainPlans(records: readonly LogRecord[]): {
  plans: LoggedPlan[];
  /** auto_explain records without a query id (compute_query_id off) or not JSON */
  skipped: number;
} {
  const plans: LoggedPlan[] = [];
  let skipped = 0;
  for (const r of records) {
    if (r.severity !== 'LOG') continue;
    const head = HEAD.exec(r.message);
    if (!head) continue;
    const body = r.message.slice(head[0].length);
    let doc: { Plan?: PlanNode };
    try {
      doc = JSON.parse(body) as { Plan?: PlanNode };
    } catch {
      skipped++;
      continue;
    }
    const queryid =
      (r.queryId && r.queryId !== '0' ? r.queryId : null) ??
      /"Query Identifier":\s*(-?\d+)/.exec(body)?.[1] ??
      null;
    if (!doc.Plan || !queryid || !/^-?\d+$/.test(queryid) || r.database === null) {
      skipped++;
      continue;
    }
    const plan = { ...doc.Plan, 'Execution Time': Number(head[1]) } as PlanNode;
    plans.push({
      queryid,
      fingerprint: planFingerprint(doc.Plan),
      source: 'auto_explain',
      database: r.database,
      plan,
    });
  }
  return { plans, skipped };
}
