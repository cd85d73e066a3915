// The parts of docs/alerting.md that the code enumerates: the lifecycle table, the
// built-in rule table and each rule's explanation and runbook. They are generated
// into marked regions of the hand-written page; a test keeps them current.
import { ALERT_STATES, formatSeconds, formatValue, type AlertState } from '@pgvigil/schema';
import { SIGNALS, TRANSITIONS, type Signal } from './core';
import { BUILTIN_RULES, type RuleDefinition } from './rules';

const SIGNAL_HEADINGS: Record<Signal, string> = {
  breach: 'breach (< for)',
  hold: 'hold (>= for)',
  hold_silenced: 'hold in blackout',
  escalate: 'escalate',
  clear: 'clear',
  missing: 'missing',
  ack: 'ack',
  ack_expired: 'ack expired',
};

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `(state, signal) -> state`, one row per state; "(same)" where nothing changes. */
export function renderLifecycleTable(): string {
  const rows = ALERT_STATES.map((from: AlertState) => [
    from,
    ...SIGNALS.map((signal) => {
      const to = TRANSITIONS[from][signal];
      return to === from ? '(same)' : to;
    }),
  ]);
  return table(['from \\ signal', ...SIGNALS.map((s) => SIGNAL_HEADINGS[s])], rows);
}

const threshold = (r: RuleDefinition, v: number | null) =>
  v === null ? '—' : formatValue(v, r.unit);

/** What the alerter's own sources are built from, when that is more than pgvigil itself. */
const VIRTUAL_SOURCES: Readonly<Record<string, string>> = {
  $clusters: "(per cluster: its members' `server_info`, `connectivity`)",
  $config_drift: '(per marked server: `settings`, `hba_rules` against the mark)',
};

const reads = (r: RuleDefinition) =>
  VIRTUAL_SOURCES[r.source.probe] ??
  (r.source.probe.startsWith('$')
    ? `(pgvigil's own ${r.source.probe.slice(1)})`
    : `\`${r.source.probe}\`: ${r.source.columns.join(', ')}`);

const aggregation = (r: RuleDefinition) =>
  r.aggregation === 'latest' ? 'latest' : `${r.aggregation} / ${formatSeconds(r.windowSeconds)}`;

/** Every built-in rule with its defaults. */
export function renderRuleTable(rules: readonly RuleDefinition[] = BUILTIN_RULES): string {
  return table(
    [
      'key',
      'rule',
      'kind',
      'reads',
      'aggregation',
      'op',
      'warning',
      'critical',
      'for',
      'on by default',
    ],
    rules.map((r) => [
      `\`${r.key}\``,
      r.name,
      r.kind,
      reads(r),
      aggregation(r),
      r.operator,
      threshold(r, r.warning),
      threshold(r, r.critical),
      r.forSeconds === 0 ? '0' : formatSeconds(r.forSeconds),
      (r.enabledByDefault ?? true) ? 'yes' : 'no',
    ]),
  );
}

/** What each rule means and what to do when it fires. */
export function renderRuleTexts(rules: readonly RuleDefinition[] = BUILTIN_RULES): string {
  return rules
    .map((r) => `- **${r.name}** (\`${r.key}\`): ${r.explanation} _Runbook:_ ${r.runbook}`)
    .join('\n');
}

export const GENERATED_REGIONS = {
  lifecycle: renderLifecycleTable,
  'rule-table': () => renderRuleTable(),
  'rule-texts': () => renderRuleTexts(),
} as const;

/**
 * The page with each `<!-- generated:name -->` ... `<!-- /generated:name -->`
 * region replaced by what the code generates; a missing marker is an error.
 */
export function fillGeneratedRegions(
  page: string,
  regions: Record<string, () => string> = GENERATED_REGIONS,
): string {
  let out = page;
  for (const [name, render] of Object.entries(regions)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`docs: no ${open} ... ${close} region`);
    // a region inside a list item keeps the item's indentation
    const indent = /[ \t]*$/.exec(out.slice(0, a))![0];
    const body = render()
      .split('\n')
      .map((l) => (l ? indent + l : l))
      .join('\n');
    out = `${out.slice(0, a + open.length)}\n\n${body}\n\n${indent}${out.slice(b)}`;
  }
  return out;
}

/** The README's counts, as the code has them: "56 version-aware probes", "56 built-in rules". */
export function fillReadmeCounts(
  readme: string,
  counts: { probes: number; rules: number },
): string {
  const out = readme
    .replace(/\b\d+ version-aware probes\b/g, `${counts.probes} version-aware probes`)
    .replace(/\b\d+ built-in rules\b/g, `${counts.rules} built-in rules`);
  for (const phrase of ['version-aware probes', 'built-in rules'])
    if (!out.includes(phrase)) throw new Error(`README: no "<n> ${phrase}" to keep current`);
  return out;
}
