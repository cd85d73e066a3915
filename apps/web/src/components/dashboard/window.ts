import {
  comparisonWindow,
  parseTimeWindow,
  windowQuery,
  type TimeWindow,
} from '@/components/shell/time-range';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** One value of a search parameter: the first when it is repeated, undefined when empty. */
export const searchParam = (v: string | string[] | undefined): string | undefined =>
  (Array.isArray(v) ? v[0] : v) || undefined;

/** What every dashboard page derives from its URL: the window, its comparison, the query to keep in links. */
export async function pageWindow(searchParams: SearchParams, now: Date) {
  const w: TimeWindow = parseTimeWindow(await searchParams, now);
  const cmp = comparisonWindow(w);
  return {
    w,
    query: windowQuery(w),
    window: { from: w.from.toISOString(), to: w.to.toISOString() },
    compare: cmp ? { from: cmp.from.toISOString(), to: cmp.to.toISOString() } : null,
  };
}
