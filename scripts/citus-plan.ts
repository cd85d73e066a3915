// `npx tsx scripts/citus-plan.ts`: for the datastore at DATABASE_URL, what would stop it
// from distributing on Citus, and the statements that distribute it (docs/scale-out.md).
// Run again on the coordinator after an upgrade: it lists only tables not distributed yet.
import { citusLayoutProblems, citusLayoutSql, createDb } from '@pgvigil/db';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the datastore (or the Citus coordinator holding it).');
  process.exit(1);
}
const db = createDb({ url, applicationName: 'pgvigil-citus-plan', max: 1 });
try {
  const problems = await citusLayoutProblems(db);
  for (const p of problems) console.error(`-- would not distribute: ${p}`);
  for (const statement of await citusLayoutSql(db)) console.log(statement);
  if (problems.length) process.exitCode = 1;
} finally {
  await db.close();
}
