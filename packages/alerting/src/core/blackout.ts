import { createRequire } from 'node:module';
import type { CronExpressionParser as Parser } from 'cron-parser';

// cron-parser (and luxon under it) loads on the first recurring window, not with the
// alerter: without blackouts it is never needed, and it costs an idle process about
// 9 MB (docs/performance.md).
let parser: typeof Parser | undefined;
function cronParser(): typeof Parser {
  parser ??= (
    createRequire(import.meta.url)('cron-parser') as { CronExpressionParser: typeof Parser }
  ).CronExpressionParser;
  return parser;
}

export type BlackoutWindow =
  | { kind: 'recurring'; cron: string; durationMinutes: number; timezone: string }
  | { kind: 'once'; startsAt: Date; endsAt: Date };

export interface ActiveWindow {
  start: Date;
  end: Date;
}

/**
 * The window containing `at`, if any. For a recurring window this looks back to
 * the latest cron occurrence <= at, so it does not matter whether anyone was
 * running when the window started.
 */
export function activeWindow(window: BlackoutWindow, at: Date): ActiveWindow | null {
  if (window.kind === 'once') {
    return at >= window.startsAt && at < window.endsAt
      ? { start: window.startsAt, end: window.endsAt }
      : null;
  }
  const expr = cronParser().parse(window.cron, {
    currentDate: new Date(at.getTime() + 1),
    tz: window.timezone,
  });
  const start = expr.prev().toDate();
  const end = new Date(start.getTime() + window.durationMinutes * 60_000);
  return at < end ? { start, end } : null;
}

export function inBlackout(windows: readonly BlackoutWindow[], at: Date): boolean {
  return windows.some((w) => activeWindow(w, at) !== null);
}

/** Windows starting in [from, until), soonest first: the calendar of upcoming blackouts. */
export function upcomingWindows(
  window: BlackoutWindow,
  from: Date,
  until: Date,
  limit = 50,
): ActiveWindow[] {
  if (window.kind === 'once') {
    return window.endsAt > from && window.startsAt < until
      ? [{ start: window.startsAt, end: window.endsAt }]
      : [];
  }
  const out: ActiveWindow[] = [];
  const current = activeWindow(window, from);
  if (current) out.push(current);
  const expr = cronParser().parse(window.cron, {
    currentDate: from,
    endDate: until,
    tz: window.timezone,
  });
  while (out.length < limit && expr.hasNext()) {
    const start = expr.next().toDate();
    if (current && start.getTime() === current.start.getTime()) continue;
    out.push({ start, end: new Date(start.getTime() + window.durationMinutes * 60_000) });
  }
  return out;
}

/** Why a cron or timezone is rejected, or null when both are valid. */
export function checkRecurring(cron: string, timezone: string): string | null {
  try {
    cronParser().parse(cron, { tz: timezone }).next();
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
