'use client';

import { selfProblemSentence, type SelfProblem } from '@pgvigil/schema';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useSyncExternalStore } from 'react';

export interface SelfHealthView {
  reachable: boolean;
  problems: SelfProblem[];
}

export const SELF_HEALTH_QUERY = ['self-health'] as const;

async function fetchSelfHealth(): Promise<SelfHealthView> {
  // 503 while the datastore is away, with the same JSON body
  const response = await fetch('/api/v1/health', { cache: 'no-store' });
  const body = (await response.json()) as {
    datastore: { reachable: boolean };
    problems: SelfProblem[];
  };
  return { reachable: body.datastore.reachable, problems: body.problems };
}

const noSubscription = () => () => undefined;
const utcTime = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;
const localTime = (iso: string) => {
  const at = new Date(iso);
  const sameDay = at.toDateString() === new Date().toDateString();
  return at.toLocaleString(undefined, {
    ...(sameDay ? {} : { month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
};

/**
 * Says in plain words when pgvigil itself is unwell (its datastore, collector or
 * alerter, collection lag), on every page; polls while it lasts. When the datastore
 * comes back, the page that could only show the outage loads for real.
 */
export function SelfHealthBanner({ initial }: { initial: SelfHealthView }) {
  const router = useRouter();
  const { data } = useQuery({
    queryKey: SELF_HEALTH_QUERY,
    queryFn: fetchSelfHealth,
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.reachable === false ? 3000 : 15_000),
    retry: false,
  });
  // the server's render and hydration agree (UTC); after that, the reader's own clock
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const wasDown = useRef(!initial.reachable);
  useEffect(() => {
    if (!data.reachable) wasDown.current = true;
    else if (wasDown.current) {
      wasDown.current = false;
      router.refresh();
    }
  }, [data.reachable, router]);
  if (data.problems.length === 0) return null;
  const critical = data.problems.some((p) => p.severity === 'critical');
  return (
    <div
      className={`self-health ${critical ? 'self-health-critical' : 'self-health-warning'}`}
      role="alert"
      data-testid="self-health"
    >
      <strong>pgvigil itself needs attention</strong>
      <ul>
        {data.problems.map((p) => (
          <li key={p.code} data-code={p.code}>
            {selfProblemSentence(p, inBrowser ? localTime : utcTime)}
          </li>
        ))}
      </ul>
    </div>
  );
}
