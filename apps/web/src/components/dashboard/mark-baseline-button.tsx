'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/admin/api';

/** Marks the server's current settings and pg_hba.conf as known-good (admins only). */
export function MarkBaselineButton({ serverId, again }: { serverId: number; again: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function mark() {
    setBusy(true);
    const result = await api('POST', `/servers/${serverId}/config-baseline`);
    setBusy(false);
    if (!result.ok) return setError(result.error.hint ?? result.error.message);
    setError(null);
    router.refresh();
  }
  return (
    <>
      <button className="btn" type="button" disabled={busy} onClick={() => void mark()}>
        {again ? 'Mark the current configuration as known-good' : 'Mark as known-good'}
      </button>
      {error ? <span role="alert"> {error}</span> : null}
    </>
  );
}
