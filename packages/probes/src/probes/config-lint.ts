import { V14, defineProbe } from './define';

// Server-wide checks are reported by one database only (the first that allows
// connections, by name), so a server's list has each once.
const FIRST_DATABASE = `current_database() = (SELECT min(datname) FROM pg_database
                                                 WHERE datallowconn AND NOT datistemplate)`;

// Objects that belong to an extension are its authors' business, not the DBA's.
const NOT_EXTENSION = (classid: string, objid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classid}'::regclass
                  AND e.objid = ${objid} AND e.deptype = 'e')`;
const USER_SCHEMA = (nsp: string) =>
  `${nsp}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${nsp}.nspname NOT LIKE 'pg_toast%'`;

const SQL = `
SELECT 'login_superuser' AS "check", rolname::text AS object, NULL::text AS detail
  FROM pg_roles WHERE rolsuper AND rolcanlogin AND ${FIRST_DATABASE}
UNION ALL
SELECT 'public_schema_create', 'public', 'CREATE granted to PUBLIC'
  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
 WHERE n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'CREATE'
UNION ALL
SELECT 'disabled_trigger', format('%I.%I.%I', n.nspname, c.relname, t.tgname), NULL
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND t.tgenabled = 'D' AND ${USER_SCHEMA('n')}
UNION ALL
SELECT 'security_definer_search_path', format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       'owner ' || pg_get_userbyid(p.proowner)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prosecdef AND ${USER_SCHEMA('n')} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
UNION ALL
(WITH RECURSIVE edges AS (
   SELECT DISTINCT r.ev_class AS view, d.refobjid AS dep
     FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind IN ('v', 'm')
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
 ), chain AS (
   SELECT view, dep, 2 AS depth FROM edges
   UNION ALL
   SELECT c.view, e.dep, c.depth + 1 FROM chain c JOIN edges e ON e.view = c.dep WHERE c.depth < 20
 )
 SELECT 'deep_views', format('%I.%I', n.nspname, v.relname), max(depth) || ' levels'
   FROM chain JOIN pg_class v ON v.oid = chain.view JOIN pg_namespace n ON n.oid = v.relnamespace
  WHERE ${USER_SCHEMA('n')}
  GROUP BY n.nspname, v.relname HAVING max(depth) > 3)
UNION ALL
SELECT 'partial_index_candidate', format('%I.%I', n.nspname, ic.relname),
       format('%s NULL in %I', round(100 * s.null_frac) || ' %', a.attname)
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class tc ON tc.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = tc.relnamespace
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = tc.relname AND s.attname = a.attname
 WHERE i.indnatts = 1 AND i.indpred IS NULL AND NOT i.indisprimary AND s.null_frac > 0.9
   AND tc.reltuples > 1000 AND ${USER_SCHEMA('n')}
ORDER BY 1, 2`;

export const configLint = defineProbe({
  name: 'config_lint',
  title: 'Configuration and security lint',
  description:
    'Findings without any extension: login superusers, CREATE on schema public for PUBLIC, disabled triggers, SECURITY DEFINER functions without a fixed search_path, views nested more than 3 levels, and single-column indexes on a column pg_stats says is over 90 % NULL (partial index candidates). Each finding is shown with why it matters and the fix.',
  sources: [
    'pg_roles',
    'pg_namespace',
    'pg_trigger',
    'pg_proc',
    'pg_rewrite',
    'pg_depend',
    'pg_stats',
  ],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 30,
  notes:
    'Server-wide checks (login superusers) come from the first database by name. pg_stats shows the monitoring role only the tables it may SELECT: with pg_monitor alone, partial index candidates of other tables are not seen.',
  columns: [
    { name: 'check', type: 'text', key: true },
    { name: 'object', type: 'text', key: true },
    { name: 'detail', type: 'text' },
  ],
  sql: [{ minVersion: V14, sql: SQL }],
});
