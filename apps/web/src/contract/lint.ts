import { z } from 'zod';
import { LINT_CHECK_NAMES, type LintCheck } from '@pgvigil/schema';
import { timestamp } from './common';
import { endpoint } from './endpoint';

const serverParams = { id: 'a server id' };

export const lintFinding = z
  .object({
    database: z.string(),
    check: z.enum(LINT_CHECK_NAMES as [LintCheck, ...LintCheck[]]),
    title: z.string(),
    /** the role, schema, trigger, function, view or index */
    object: z.string(),
    detail: z.string().nullable(),
    why: z.string(),
    fix: z.string(),
    collectedAt: timestamp,
  })
  .meta({ id: 'LintFinding' });
export type LintFinding = z.output<typeof lintFinding>;

export const listLintFindings = endpoint({
  method: 'GET',
  path: '/servers/{id}/lint-findings',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Configuration and security findings of a server, or of one of its databases',
  description:
    'From the newest config_lint samples: login superusers, CREATE on schema public for PUBLIC, disabled triggers, SECURITY DEFINER functions without a fixed search_path, views nested more than 3 levels, partial index candidates; each with why it matters and the fix.',
  params: serverParams,
  query: z.object({ database: z.string().min(1).max(200).optional() }),
  response: z.object({ findings: z.array(lintFinding) }),
});
