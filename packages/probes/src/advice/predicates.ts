/**
 * The columns a statement filters its tables on, read from the syntax tree of the real
 * PostgreSQL parser (libpg-query: PostgreSQL's own parser compiled to WebAssembly).
 * Only predicates an index can serve count: a column compared with =, <, <=, >, >=,
 * IN, BETWEEN or IS NULL to something that is not a column of the same scan.
 */

export interface RelationRef {
  /** as written; null when unqualified (the server's search_path decides) */
  schema: string | null;
  name: string;
}

export interface TablePredicates {
  relation: RelationRef;
  /** equality columns first (an index's leading columns), then range columns; no repeats */
  columns: string[];
  /** the subset of `columns` compared by equality */
  equality: string[];
}

type Node = Record<string, unknown>;

const RANGE_OPS = new Set(['<', '<=', '>', '>=']);
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null;

let parser: Promise<(sql: string) => unknown> | null = null;

/** Loads the WebAssembly parser once, on first use (importing this module costs nothing). */
function loadParser(): Promise<(sql: string) => unknown> {
  parser ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return (sql: string) => m.parseSync(sql);
  });
  return parser;
}

function stringsOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((f) => (isObject(f) && isObject(f.String) ? String(f.String.sval) : '*'));
}

/** [qualifier, column] of a ColumnRef node, or null. */
function columnRef(node: unknown): { qualifier: string | null; column: string } | null {
  if (!isObject(node) || !isObject(node.ColumnRef)) return null;
  const fields = stringsOf(node.ColumnRef.fields);
  const column = fields.at(-1);
  if (!column || column === '*') return null;
  return { qualifier: fields.length >= 2 ? fields.at(-2)! : null, column };
}

/** Whether a value side holds no column reference at all (a constant, a parameter, a function of those). */
function columnFree(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(columnFree);
  if (!isObject(node)) return true;
  if ('ColumnRef' in node || 'SubLink' in node) return false;
  return Object.values(node).every(columnFree);
}

interface Scope {
  /** alias or table name -> relation */
  byName: Map<string, RelationRef>;
  relations: RelationRef[];
}

function collectRangeVars(from: unknown, scope: Scope): void {
  if (Array.isArray(from)) {
    for (const f of from) collectRangeVars(f, scope);
    return;
  }
  if (!isObject(from)) return;
  if (isObject(from.RangeVar)) {
    const rv = from.RangeVar;
    const rel: RelationRef = {
      schema: typeof rv.schemaname === 'string' ? rv.schemaname : null,
      name: String(rv.relname),
    };
    const alias = isObject(rv.alias) ? String(rv.alias.aliasname) : rel.name;
    scope.byName.set(alias, rel);
    scope.relations.push(rel);
    return;
  }
  if (isObject(from.JoinExpr)) {
    collectRangeVars(from.JoinExpr.larg, scope);
    collectRangeVars(from.JoinExpr.rarg, scope);
  }
  // subqueries and functions in FROM are scopes of their own: the walk finds their statements
}

/** The conjuncts of a WHERE clause (the arms of top-level ANDs); ORs are not indexable as one. */
function conjuncts(where: unknown): unknown[] {
  if (isObject(where) && isObject(where.BoolExpr) && where.BoolExpr.boolop === 'AND_EXPR')
    return (where.BoolExpr.args as unknown[]).flatMap(conjuncts);
  return where === undefined ? [] : [where];
}

interface Hit {
  ref: { qualifier: string | null; column: string };
  equality: boolean;
}

function indexable(expr: unknown): Hit | null {
  if (!isObject(expr)) return null;
  if (isObject(expr.NullTest)) {
    const ref = columnRef(expr.NullTest.arg);
    return ref ? { ref, equality: true } : null;
  }
  if (!isObject(expr.A_Expr)) return null;
  const a = expr.A_Expr;
  const op = stringsOf(a.name)[0];
  const kind = String(a.kind);
  const sides: [unknown, unknown][] = [[a.lexpr, a.rexpr]];
  if (kind === 'AEXPR_OP') sides.push([a.rexpr, a.lexpr]);
  for (const [col, value] of sides) {
    const ref = columnRef(col);
    if (!ref || !columnFree(value)) continue;
    if (kind === 'AEXPR_OP' && op === '=') return { ref, equality: true };
    if (kind === 'AEXPR_OP' && op && RANGE_OPS.has(op)) return { ref, equality: false };
    if (kind === 'AEXPR_IN' && op === '=') return { ref, equality: true };
    if (kind === 'AEXPR_BETWEEN') return { ref, equality: false };
  }
  return null;
}

function predicatesOf(from: unknown, where: unknown, out: TablePredicates[]): void {
  const scope: Scope = { byName: new Map(), relations: [] };
  collectRangeVars(from, scope);
  if (scope.relations.length === 0) return;
  const found = new Map<RelationRef, { eq: string[]; range: string[] }>();
  for (const c of conjuncts(where)) {
    const hit = indexable(c);
    if (!hit) continue;
    const rel = hit.ref.qualifier
      ? scope.byName.get(hit.ref.qualifier)
      : scope.relations.length === 1
        ? scope.relations[0]
        : undefined; // unqualified over a join: the catalog would have to say whose it is
    if (!rel) continue;
    const f = found.get(rel) ?? { eq: [], range: [] };
    const list = hit.equality ? f.eq : f.range;
    if (!f.eq.includes(hit.ref.column) && !f.range.includes(hit.ref.column))
      list.push(hit.ref.column);
    found.set(rel, f);
  }
  for (const [relation, f] of found) {
    // an index serves the equality columns and then one range column
    const columns = [...f.eq, ...f.range.slice(0, 1)].slice(0, 3);
    out.push({ relation, columns, equality: f.eq.filter((c) => columns.includes(c)) });
  }
}

function walk(node: unknown, out: TablePredicates[]): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out);
    return;
  }
  if (!isObject(node)) return;
  if (isObject(node.SelectStmt))
    predicatesOf(node.SelectStmt.fromClause, node.SelectStmt.whereClause, out);
  if (isObject(node.UpdateStmt))
    predicatesOf([{ RangeVar: node.UpdateStmt.relation }], node.UpdateStmt.whereClause, out);
  if (isObject(node.DeleteStmt))
    predicatesOf([{ RangeVar: node.DeleteStmt.relation }], node.DeleteStmt.whereClause, out);
  for (const v of Object.values(node)) walk(v, out);
}

/**
 * The indexable predicates of one statement, per table it names; null when the text does
 * not parse (a truncated text, another dialect).
 */
export async function statementPredicates(sql: string): Promise<TablePredicates[] | null> {
  const parse = await loadParser();
  let tree: unknown;
  try {
    tree = parse(sql);
  } catch {
    return null;
  }
  const out: TablePredicates[] = [];
  walk(tree, out);
  return out.filter((p) => p.columns.length > 0);
}
