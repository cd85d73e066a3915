/**
 * What is wrong with pgvigil itself, in plain words: the same facts in
 * /api/v1/health and in the banner every page shows.
 */
export const SELF_PROBLEM_CODES = [
  'datastore_unreachable',
  'datastore_gave_up',
  'datastore_disk_full',
  'collector_not_reporting',
  'alerter_not_reporting',
  'collection_lagging',
  'samples_dropped',
] as const;
export type SelfProblemCode = (typeof SELF_PROBLEM_CODES)[number];

export interface SelfProblem {
  code: SelfProblemCode;
  severity: 'warning' | 'critical';
  /** what is wrong: "pgvigil's datastore is unreachable" */
  what: string;
  /** since when (ISO 8601), if known */
  since: string | null;
  /** what pgvigil is doing about it, or what to do: "restarting it (attempt 2)" */
  doing: string | null;
}

/** "<what> since <time>; <doing>." with the time formatted by the caller (UTC on the API, local in the browser). */
export function selfProblemSentence(
  problem: SelfProblem,
  formatTime: (iso: string) => string,
): string {
  const since = problem.since ? ` since ${formatTime(problem.since)}` : '';
  const doing = problem.doing ? `; ${problem.doing}` : '';
  return `${problem.what}${since}${doing}.`;
}
