import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSetupToken } from '@pgvigil/db';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as setup from '@/app/api/v1/setup/route';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[0] ?? 14;
const h = (fn: unknown) => fn as Handler;
const body = { username: 'admin', password: 'violet-harbour-42' };

/** A fresh install is not claimed by whoever reaches its port first. */
describe(`first-run setup from another machine on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await webDatastore(major);
  });
  afterAll(() => ds.drop());

  it('needs the setup token from a non-loopback address, not from the machine itself', async () => {
    const remote = '203.0.113.20';
    const none = await call(h(setup.POST), { method: 'POST', peer: remote, body });
    expect(none.status).toBe(403);
    expect(none.json.error).toMatchObject({
      code: 'forbidden',
      hint: expect.stringMatching(/setup\.token/),
    });
    const token = await ensureSetupToken(process.env.PGVIGIL_HOME!);
    const wrong = await call(h(setup.POST), {
      method: 'POST',
      peer: remote,
      body: { ...body, setupToken: `${token}x` },
    });
    expect(wrong.status).toBe(403);
    // a caller whose address is not known is not the machine itself either
    expect((await call(h(setup.POST), { method: 'POST', peer: '', body })).status).toBe(403);
    const ok = await call(h(setup.POST), {
      method: 'POST',
      peer: remote,
      body: { ...body, setupToken: token },
    });
    expect(ok.status).toBe(201);
    expect(await ds.db.query('SELECT 1 FROM users')).toHaveLength(1);
  });
});
