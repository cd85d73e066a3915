'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/admin/api';

/** "ack for 2 h": after that long the alert fires again and its escalation starts over. */
const FOR_MINUTES = [
  ['until it clears', 0],
  ['for 1 h', 60],
  ['for 2 h', 120],
  ['for 8 h', 480],
  ['for 24 h', 1440],
] as const;

/**
 * Acknowledge with an optional comment, until the alert clears or for a while; the one
 * who acknowledges owns it. Reminders and escalation stop until the severity rises.
 */
export function AckButton({ alertId }: { alertId: number }) {
  const router = useRouter();
  const [minutes, setMinutes] = useState(0);
  const [error, setError] = useState<string | null>(null);
  async function ack() {
    const comment = window.prompt('Acknowledge: comment (optional)', '');
    if (comment === null) return;
    const result = await api('POST', `/alerts/${alertId}/ack`, {
      comment,
      ...(minutes ? { forMinutes: minutes } : {}),
    });
    if (!result.ok) return setError(result.error.message);
    router.refresh();
  }
  return (
    <>
      <button className="btn" type="button" onClick={() => void ack()}>
        Acknowledge
      </button>{' '}
      <select
        aria-label="Acknowledge for"
        value={minutes}
        onChange={(e) => setMinutes(Number(e.target.value))}
      >
        {FOR_MINUTES.map(([label, m]) => (
          <option key={m} value={m}>
            {label}
          </option>
        ))}
      </select>
      {error ? <span role="alert"> {error}</span> : null}
    </>
  );
}
