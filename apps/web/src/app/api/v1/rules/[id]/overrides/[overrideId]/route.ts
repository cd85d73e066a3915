import { deleteOverride } from '@pgvigil/db/alerting';
import { noContent } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const DELETE = withAuth<{ id: string; overrideId: string }>(
  'editor',
  async ({ params, audit }) => {
    const ruleId = idParam(params.id, 'Rule');
    const id = idParam(params.overrideId, 'Override');
    await deleteOverride(db(), ruleId, id);
    await audit('rule.override.delete', 'rule', ruleId, { overrideId: id });
    return noContent();
  },
);
