import type { ReactNode } from 'react';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ title, message }: { title: string; message: string }) {
  return (
    <div className="error-state" role="alert">
      <strong>{title}</strong>
      <div>{message}</div>
    </div>
  );
}

export function LoadingBlock({
  label = 'Loading…',
  height = 160,
}: {
  label?: string;
  height?: number;
}) {
  return (
    <div className="skeleton" style={{ height }} role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
    </div>
  );
}
