import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@pgvigil/db';
import { listQueryPlans } from '@pgvigil/db/dashboard';
import { saveQueryPlans } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const major = testMajors().at(-1)!;
const BIG = '-7212318843211729999';
const at = (minutes: number) => new Date(Date.UTC(2026, 2, 10, 10, minutes));
const plan = (fingerprint: string, cost: number) => ({
  queryid: BIG,
  fingerprint,
  source: 'generic' as const,
  database: 'app',
  plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Total Cost': cost },
});

describe(`stored plans on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let serverId: number;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('db', '10.0.0.1', 'pgvigil') RETURNING id`,
    );
    serverId = s!.id;
  });
  afterAll(() => ds.drop());

  it('keeps a row per plan change, with the time it appeared and when it was last seen', async () => {
    expect(await saveQueryPlans(ds.db, serverId, [plan('aaaa', 10)], at(0))).toEqual([]);
    expect(await saveQueryPlans(ds.db, serverId, [plan('aaaa', 12)], at(60))).toEqual([]);
    expect(await saveQueryPlans(ds.db, serverId, [plan('bbbb', 99)], at(120))).toEqual([BIG]);
    expect(await saveQueryPlans(ds.db, serverId, [plan('aaaa', 11)], at(180))).toEqual([BIG]);
    const { plans } = await listQueryPlans({ db: ds.db, input: { serverId, queryid: BIG } });
    expect(plans.map((p) => [p.fingerprint, p.capturedAt, p.lastSeen])).toEqual([
      ['aaaa', at(180), at(180)],
      ['bbbb', at(120), at(120)],
      ['aaaa', at(0), at(60)],
    ]);
    expect(plans[2]!.plan['Total Cost']).toBe(10);
  });

  it('answers an empty list for a statement never planned, 400 for a malformed id', async () => {
    expect(await listQueryPlans({ db: ds.db, input: { serverId, queryid: '42' } })).toEqual({
      plans: [],
    });
    await expect(
      listQueryPlans({ db: ds.db, input: { serverId, queryid: '1; DROP' } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
