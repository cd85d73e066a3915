'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useState } from 'react';
import {
  COMPARISONS,
  RANGE_PRESETS,
  REFRESH_CHOICES,
  parseTimeWindow,
  windowQuery,
  type TimeWindow,
} from './time-range';

const COMPARE_LABEL = {
  none: 'No comparison',
  '1d': 'vs 1 day earlier',
  '1w': 'vs 1 week earlier',
};

/** datetime-local wants local wall time without zone. */
function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function TimeRangePicker() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const id = useId();
  const [now] = useState(() => new Date());
  const current = parseTimeWindow(new URLSearchParams(params?.toString() ?? ''), now);
  const [customOpen, setCustomOpen] = useState(false);
  const [customFrom, setCustomFrom] = useState(toLocalInput(current.from));
  const [customTo, setCustomTo] = useState(toLocalInput(current.to));

  const go = (patch: Partial<TimeWindow>) => {
    const q = windowQuery({ ...current, ...patch });
    // Page-specific parameters (sort, tab, filters) survive a change of window.
    const keep = new URLSearchParams(params?.toString() ?? '');
    for (const k of ['range', 'from', 'to', 'compare', 'refresh']) keep.delete(k);
    const merged = new URLSearchParams(q);
    keep.forEach((v, k) => merged.set(k, v));
    const s = merged.toString();
    router.push(s ? `${pathname}?${s}` : (pathname ?? '/'));
  };

  // Auto-refresh re-renders the server components with fresh data; relative ranges slide.
  useEffect(() => {
    if (!current.refreshSeconds) return;
    const timer = setInterval(() => router.refresh(), current.refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [current.refreshSeconds, router]);

  return (
    <div className="time-range" role="group" aria-label="Time range">
      <div className="segmented" role="radiogroup" aria-label="Preset range">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={current.preset === p}
            className={current.preset === p ? 'seg active' : 'seg'}
            onClick={() => go({ preset: p })}
          >
            {p}
          </button>
        ))}
        <button
          type="button"
          className={current.preset === null ? 'seg active' : 'seg'}
          aria-expanded={customOpen}
          aria-controls={`${id}-custom`}
          onClick={() => setCustomOpen((o) => !o)}
        >
          Custom
        </button>
      </div>
      <label className="sr-only" htmlFor={`${id}-compare`}>
        Compare with
      </label>
      <select
        id={`${id}-compare`}
        className="select"
        value={current.compare}
        onChange={(e) => go({ compare: e.target.value as TimeWindow['compare'] })}
      >
        {COMPARISONS.map((c) => (
          <option key={c} value={c}>
            {COMPARE_LABEL[c]}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor={`${id}-refresh`}>
        Auto-refresh
      </label>
      <select
        id={`${id}-refresh`}
        className="select"
        value={current.refreshSeconds}
        onChange={(e) => go({ refreshSeconds: Number(e.target.value) })}
      >
        {REFRESH_CHOICES.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? 'Refresh: off' : `Refresh: ${s < 60 ? `${s}s` : `${s / 60}m`}`}
          </option>
        ))}
      </select>
      {customOpen ? (
        <form
          id={`${id}-custom`}
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            const from = new Date(customFrom);
            const to = new Date(customTo);
            if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from) return;
            setCustomOpen(false);
            go({ preset: null, from, to });
          }}
        >
          <label>
            From{' '}
            <input
              type="datetime-local"
              value={customFrom}
              onChange={(e) => setCustomFrom(e.target.value)}
              required
            />
          </label>
          <label>
            To{' '}
            <input
              type="datetime-local"
              value={customTo}
              onChange={(e) => setCustomTo(e.target.value)}
              required
            />
          </label>
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
