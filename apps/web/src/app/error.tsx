'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { SELF_HEALTH_QUERY } from '@/components/shell/self-health-banner';
import { ErrorState } from '@/components/shell/states';

/**
 * A page that failed while rendering. On the server the framework hides the reason
 * (its message is a generic "Minified React error"), so we never show it: the
 * notice above the page, asked again now, says when pgvigil itself is the cause.
 */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const queryClient = useQueryClient();
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: SELF_HEALTH_QUERY });
  }, [queryClient, error]);
  return (
    <div className="grid">
      <ErrorState
        title="This page could not be loaded"
        message={
          error.digest
            ? `The server could not finish this page (reference ${error.digest}). If pgvigil itself is unwell, the notice above says why; otherwise try again.`
            : 'Something went wrong while showing this page. Try again in a moment.'
        }
      />
      <div>
        <button type="button" className="btn" onClick={reset}>
          Try again
        </button>
      </div>
    </div>
  );
}
