import { blackoutWindow, checkRecurring, upcomingWindows } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import { blackoutInput, createBlackout, listBlackouts } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Blackouts with their windows in the next 14 days (the calendar), current one included. */
export const GET = withAuth('viewer', async ({ at }) => {
  const until = new Date(at.getTime() + 14 * 86_400_000);
  const blackouts = (await listBlackouts(db())).map((b) => ({
    ...b,
    upcoming: b.enabled ? upcomingWindows(blackoutWindow(b), at, until, 30) : [],
  }));
  return NextResponse.json({ blackouts });
});

export const POST = withAuth('editor', async ({ request, audit }) => {
  const input = await readJson(request, blackoutInput);
  if (input.cron) {
    const problem = checkRecurring(input.cron, input.timezone);
    if (problem) throw new ValidationError('Invalid recurrence', { cron: problem });
  }
  const blackout = await createBlackout(db(), input);
  await audit('blackout.create', 'blackout', blackout.id, { name: blackout.name });
  return NextResponse.json({ blackout }, { status: 201 });
});
