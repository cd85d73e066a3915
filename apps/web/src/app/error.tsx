'use client';

import { ErrorState } from '@/components/shell/states';

export default function PageError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div className="grid">
      <ErrorState
        title="This page could not be loaded"
        message={error.message || 'The datastore did not answer. Try again in a moment.'}
      />
      <div>
        <button type="button" className="btn" onClick={reset}>
          Try again
        </button>
      </div>
    </div>
  );
}
