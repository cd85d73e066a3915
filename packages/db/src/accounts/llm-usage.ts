import type { Queryable } from '../client';

export interface LlmUsageInput {
  userId: number;
  at: Date;
  model: string;
  promptTokens: number;
  completionTokens: number;
  toolCalls: number;
}

/** One question's cost, charged to the user who asked it. */
export async function recordLlmUsage(q: Queryable, u: LlmUsageInput): Promise<void> {
  await q.query(
    `INSERT INTO llm_usage (user_id, at, model, prompt_tokens, completion_tokens, tool_calls)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [u.userId, u.at, u.model, u.promptTokens, u.completionTokens, u.toolCalls],
  );
}

export type LlmUsageTotals = {
  questions: number;
  promptTokens: number;
  completionTokens: number;
};

/** What a user's questions cost since `since`. */
export async function llmUsageSince(
  q: Queryable,
  userId: number,
  since: Date,
): Promise<LlmUsageTotals> {
  const [row] = await q.query<LlmUsageTotals>(
    `SELECT count(*)::int AS questions,
            coalesce(sum(prompt_tokens), 0)::float8 AS "promptTokens",
            coalesce(sum(completion_tokens), 0)::float8 AS "completionTokens"
       FROM llm_usage WHERE user_id = $1 AND at >= $2`,
    [userId, since],
  );
  return row ?? { questions: 0, promptTokens: 0, completionTokens: 0 };
}
