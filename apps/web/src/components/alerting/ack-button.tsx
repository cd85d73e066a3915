'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/admin/api';

/** Acknowledge with an optional comment; reminders stop until the severity rises. */
export function AckButton({ alertId }: { alertId: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function ack() {
    const comment = window.prompt('Acknowledge: comment (optional)', '');
    if (comment === null) return;
    const result = await api('POST', `/alerts/${alertId}/ack`, { comment });
    if (!result.ok) return setError(result.error.message);
    router.refresh();
  }
  return (
    <>
      <button className="btn" type="button" onClick={() => void ack()}>
        Acknowledge
      </button>
      {error ? <span role="alert"> {error}</span> : null}
    </>
  );
}
