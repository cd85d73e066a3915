import { getHealth, type Db } from '@pgvigil/db';
import { heartbeatVerdict, sendHeartbeat } from '@pgvigil/alerting';

export type BeatOutcome = { sent: true } | { sent: false; why: string };

/**
 * One tick of the dead-man's switch, as of `at`: health as /api/v1/health computes it,
 * then the beat when it is `ok`. A failed request is an outcome, not an exception.
 */
export async function beatOnce(db: Db, url: string, at: Date): Promise<BeatOutcome> {
  const verdict = heartbeatVerdict(await getHealth(db, at));
  if (!verdict.send) return { sent: false, why: `withheld: ${verdict.why}` };
  try {
    await sendHeartbeat(url, at, { timeoutMs: 10_000 });
    return { sent: true };
  } catch (err) {
    return { sent: false, why: `failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
