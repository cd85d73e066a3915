import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A static check of every datastore query on a metric table (packages/db/src): on
// Citus it must reach one server's shard (a filter on server_id), or be a fleet-wide
// statement that runs on every shard in parallel and whose result needs no data
// from another shard (grouped or windowed by server_id). DDL and COPY are routed
// by Citus itself. Anything else says why it pushes down in a `// citus:` comment
// just above it, which review sees.
const SRC = path.join(import.meta.dirname, '..', 'src');

interface Query {
  file: string;
  line: number;
  sql: string;
  /** the `// citus:` reason written above the statement, if any */
  reason: string | null;
}

/** SQL literals of one source file that read or write a metric table. */
function metricQueries(file: string): Query[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  const render = (node: ts.Node): string | null => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (!ts.isTemplateExpression(node)) return null;
    return (
      node.head.text +
      node.templateSpans.map((s) => `\${${s.expression.getText()}}${s.literal.text}`).join('')
    );
  };
  // names bound to `metrics.<table>`, so `FROM ${table}` counts as a metric table
  const tableNames: string[] = [];
  const literals: { node: ts.Node; sql: string }[] = [];
  const visit = (node: ts.Node) => {
    const sql = render(node);
    if (sql !== null) {
      literals.push({ node, sql });
      if (
        /^metrics\.\$\{[^}]+\}$/.test(sql) &&
        ts.isVariableDeclaration(node.parent) &&
        ts.isIdentifier(node.parent.name)
      )
        tableNames.push(node.parent.name.text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const named = tableNames.map((n) => `\\$\\{${n}\\}`).join('|');
  const target = new RegExp(
    `\\b(FROM|JOIN|INTO|UPDATE|TABLE|COPY)\\s+(metrics\\.${named ? `|${named}` : ''})`,
    'i',
  );
  return literals
    .filter((l) => target.test(l.sql))
    .map(({ node, sql }) => {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const above = lines.slice(Math.max(0, line - 4), line + 1).join('\n');
      return {
        file: path.relative(SRC, file),
        line: line + 1,
        sql,
        reason: /\/\/ citus: (.+)/.exec(above)?.[1] ?? null,
      };
    });
}

/** Why a query would not push down on Citus, or null when it does. */
function pushdownProblem(sql: string, reason: string | null): string | null {
  if (/^\s*(CREATE|ALTER|DROP|TRUNCATE|COMMENT)\b/i.test(sql)) return null; // DDL propagates
  if (/^\s*COPY\b/i.test(sql)) return null; // rows are routed by their server_id
  if (/\bserver_id\s*(=|IN\b)/i.test(sql)) return null; // one server, or a list of them
  // grouped or windowed by server_id: a list of plain columns or positions holding it
  if (/\b(GROUP|PARTITION)\s+BY\s+([\w.]+\s*,\s*)*([a-z_]+\.)?server_id\b/i.test(sql)) return null;
  if (reason) return null;
  return 'no filter on server_id, not grouped by it, and no `// citus:` reason';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('metric-table queries on Citus', () => {
  const queries = sourceFiles(SRC).flatMap(metricQueries);

  it('finds the datastore queries on metric tables', () => {
    const files = new Set(queries.map((q) => q.file));
    for (const f of ['metrics/read-series.ts', 'metrics/read-latest.ts', 'alerting/targets.ts'])
      expect(files).toContain(f);
    expect(queries.length).toBeGreaterThan(20);
  });

  it('every one reaches one server, groups by server, or says why it pushes down', () => {
    const problems = queries
      .map((q) => ({ q, problem: pushdownProblem(q.sql, q.reason) }))
      .filter((x) => x.problem)
      .map(({ q, problem }) => `${q.file}:${q.line}: ${problem}: ${q.sql.trim().slice(0, 80)}`);
    expect(problems).toEqual([]);
  });

  it('tells a per-server query and a grouped one from one that would not push down', () => {
    expect(pushdownProblem('SELECT * FROM metrics.wal WHERE server_id = $1', null)).toBeNull();
    expect(pushdownProblem('SELECT * FROM metrics.wal w WHERE w.server_id IN (1, 2)', null)).toBe(
      null,
    );
    expect(
      pushdownProblem('SELECT s.server_id, max(x) FROM metrics.wal s GROUP BY s.server_id', null),
    ).toBeNull();
    expect(pushdownProblem('SELECT 1 FROM metrics.wal GROUP BY 1, server_id', null)).toBeNull();
    expect(
      pushdownProblem('SELECT x FROM metrics.wal GROUP BY x ORDER BY server_id', null),
    ).not.toBeNull();
    expect(
      pushdownProblem('SELECT max(collected_at) FROM metrics.wal WHERE collected_at > $1', null),
    ).toMatch(/no filter on server_id/);
    expect(pushdownProblem('DELETE FROM metrics.wal WHERE collected_at < $1', 'by time')).toBe(
      null,
    );
  });
});
