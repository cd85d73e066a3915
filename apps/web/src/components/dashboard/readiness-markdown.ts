// The readiness report as Markdown, for a ticket or a change request. Pure and browser-safe.
import type { ReadinessCheckView, ReadinessReportView } from '@/contract';
import { objectFacts } from './readiness-format';

const VERDICT = {
  ready: 'Ready',
  ready_with_warnings: 'Ready, with warnings',
  blocked: 'Blocked',
} as const;
const STATUS = { ok: 'OK', warning: 'Warning', blocker: 'Blocker' } as const;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function checkSection(c: ReadinessCheckView): string {
  const lines = [`### ${STATUS[c.status]}: ${c.title}`, '', c.detail];
  if (c.objects?.length) {
    lines.push(
      '',
      ...c.objects.map((o) => `- \`${o.name}\`${objectFacts(o) ? `: ${objectFacts(o)}` : ''}`),
    );
  }
  if (c.fix) lines.push('', '```sql', c.fix, '```');
  return lines.join('\n');
}

export function readinessMarkdown(
  report: ReadinessReportView,
  where: { server: string; generatedAt: string },
): string {
  const major = Math.floor(report.serverVersion / 10000);
  return [
    `# Readiness of ${report.database} on ${where.server} for ${report.purpose === 'migration' ? 'a migration' : 'logical replication'}`,
    '',
    `**${VERDICT[report.verdict]}**. PostgreSQL ${major}, read ${where.generatedAt}.`,
    '',
    '| check | status | detail |',
    '| --- | --- | --- |',
    ...report.checks.map((c) => `| ${cell(c.title)} | ${STATUS[c.status]} | ${cell(c.detail)} |`),
    '',
    ...report.checks
      .filter((c) => c.status !== 'ok')
      .map(checkSection)
      .flatMap((s) => [s, '']),
  ].join('\n');
}
