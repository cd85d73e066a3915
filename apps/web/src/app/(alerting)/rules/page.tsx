import { BUILTIN_BY_KEY, DEFAULT_FLAP_LIMIT } from '@pgvigil/alerting';
import { listAlertTargets, listOverrides, listRules } from '@pgvigil/db/alerting';
import { CustomRuleForm } from '@/components/alerting/custom-rule-form';
import { RuleRow, type RuleView } from '@/components/alerting/rule-row';
import { overrideView, ruleView } from '@/server/alerting-views';
import { hasRole, requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Rules' };
export const dynamic = 'force-dynamic';

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export default async function RulesPage() {
  const user = await requirePageUser('viewer', '/rules');
  const canEdit = hasRole(user.role, 'editor');
  const [rules, overrides, targets] = await Promise.all([
    listRules(db()).then((rows) => rows.map(ruleView)),
    listOverrides(db()).then((rows) => rows.map(overrideView)),
    listAlertTargets(db()),
  ]);
  const servers = targets.map((t) => ({
    id: t.id,
    name: t.name,
    clusterId: t.cluster_id,
    clusterName: t.cluster_name,
  }));
  const views: RuleView[] = rules.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    kind: r.kind,
    category: text(r.definition.category) || r.kind,
    unit: text(r.definition.unit),
    explanation: text(r.definition.explanation),
    runbook: text(r.definition.runbook),
    warning: r.warning,
    critical: r.critical,
    forSeconds: r.forSeconds,
    enabled: r.enabled,
    overrides: overrides.filter((o) => o.ruleId === r.id).length,
    params: Object.entries(BUILTIN_BY_KEY.get(r.key)?.params ?? {}).map(([name, p]) => ({
      name,
      label: p.label,
      unit: p.unit,
      default: p.default,
      value: r.params[name] ?? null,
    })),
    lastError:
      r.lastError && r.lastErrorAt
        ? { message: r.lastError, at: new Date(r.lastErrorAt).toISOString() }
        : null,
    unavailable: r.unavailable,
    flapLimit: r.flapLimit,
    flapDefault: DEFAULT_FLAP_LIMIT,
  }));
  return (
    <>
      <div className="page-header">
        <h1>Rules</h1>
        <p className="muted">
          Global defaults. Open a rule for its overrides per environment, cluster, server and
          database (the most specific wins) and its effective values on a server.
        </p>
      </div>
      <section className="panel">
        <div className="table-wrap">
          <table className="data" aria-label="Rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Category</th>
                <th className={canEdit ? undefined : 'num'}>Warning</th>
                <th className={canEdit ? undefined : 'num'}>Critical</th>
                <th className={canEdit ? undefined : 'num'}>{canEdit ? 'For (s)' : 'For'}</th>
                {canEdit ? <th>Unit</th> : null}
                <th>Overrides</th>
                <th>{canEdit ? <span className="sr-only">Actions</span> : 'State'}</th>
              </tr>
            </thead>
            <tbody>
              {views.map((r) => (
                <RuleRow key={r.id} rule={r} canEdit={canEdit} servers={servers} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {canEdit ? <CustomRuleForm /> : null}
    </>
  );
}
