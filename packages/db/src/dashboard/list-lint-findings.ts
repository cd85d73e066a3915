import { z } from 'zod';
import { LINT_CHECKS, type LintCheck } from '@pgvigil/schema';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics';
import { str } from './latest-rows';
import { parseInput } from './parse';

export const lintFindingsInput = z.object({
  serverId: z.coerce.number().int().positive(),
  /** one database's findings; all of the server's when absent */
  database: z.string().min(1).max(200).optional(),
});

export type LintFinding = {
  database: string;
  check: LintCheck;
  title: string;
  object: string;
  detail: string | null;
  why: string;
  fix: string;
  collectedAt: Date;
};

const isCheck = (c: unknown): c is LintCheck => typeof c === 'string' && c in LINT_CHECKS;

/** The newest config_lint findings of a server (or one database), each with why and the fix. */
export async function listLintFindings({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof lintFindingsInput>;
  at: Date;
}): Promise<LintFinding[]> {
  const i = parseInput(lintFindingsInput, input);
  const rows = await readLatest(db, {
    probe: 'config_lint',
    serverIds: [i.serverId],
    ...(i.database ? { database: i.database } : {}),
    at,
  }).catch((err: unknown) => {
    if (err instanceof NotFoundError) return [];
    throw err;
  });
  return rows.flatMap((r) => {
    const check = r.key.check;
    // a check this version does not describe (a newer collector) is left out
    if (!isCheck(check)) return [];
    return [
      {
        database: r.database ?? '',
        check,
        title: LINT_CHECKS[check].title,
        object: String(r.key.object),
        detail: str(r.values.detail),
        why: LINT_CHECKS[check].why,
        fix: LINT_CHECKS[check].fix,
        collectedAt: r.collectedAt,
      },
    ];
  });
}
