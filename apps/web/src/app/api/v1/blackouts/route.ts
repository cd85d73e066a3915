import { blackoutWindow, checkRecurring, upcomingWindows } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import {
  blackoutInput,
  createBlackout as insertBlackout,
  listBlackouts as readBlackouts,
} from '@pgvigil/db/alerting';
import { createBlackout, listBlackouts } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { blackoutView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Blackouts with their windows in the next 14 days (the calendar), current one included. */
export const GET = withAuth('viewer', async ({ request, at }) => {
  const until = new Date(at.getTime() + 14 * 86_400_000);
  const page = pageOf(await readBlackouts(db()), readQuery(request, listBlackouts));
  return reply(listBlackouts, {
    blackouts: page.items.map((b) => ({
      ...blackoutView(b),
      upcoming: b.enabled ? upcomingWindows(blackoutWindow(b), at, until, 30) : [],
    })),
    nextCursor: page.nextCursor,
  });
});

export const POST = withAuth('editor', async ({ request, audit }) => {
  const input = parseOr400(blackoutInput, await readBody(request, createBlackout));
  if (input.cron) {
    const problem = checkRecurring(input.cron, input.timezone);
    if (problem) throw new ValidationError('Invalid recurrence', { cron: problem });
  }
  const blackout = await insertBlackout(db(), input);
  await audit('blackout.create', 'blackout', blackout.id, { name: blackout.name });
  return reply(createBlackout, { blackout: blackoutView(blackout) });
});
