import type { ReactNode } from 'react';

/**
 * Loading skeletons shaped like the page that streams in: a header, panels, a grid
 * of charts, a table. Each segment's loading.tsx composes them, so every page waits
 * the same way and the layout does not jump when the data arrives.
 */
export function SkeletonPage({
  label,
  children,
}: {
  /** what is loading, for screen readers: "Loading server" */
  label: string;
  children: ReactNode;
}) {
  return (
    <div className="skeleton-page" role="status" aria-live="polite" aria-busy="true">
      <span className="sr-only">{label}</span>
      <div className="page-header" aria-hidden="true">
        <div className="skeleton" style={{ height: 14, width: 220 }} />
        <div className="skeleton" style={{ height: 28, width: 320, marginTop: 10 }} />
      </div>
      <div aria-hidden="true">{children}</div>
    </div>
  );
}

/** A panel with a heading bar and a body of the given height. */
export function SkeletonPanel({ height = 120 }: { height?: number }) {
  return (
    <div className="panel section">
      <div className="skeleton" style={{ height: 16, width: 180, marginBottom: 14 }} />
      <Bar height={height} />
    </div>
  );
}

/** The ChartGrid's two-column grid of chart panels. */
export function SkeletonCharts({ count = 4 }: { count?: number }) {
  return (
    <div className="grid grid-2 section">
      {Array.from({ length: count }, (_, i) => (
        <SkeletonPanel key={i} height={200} />
      ))}
    </div>
  );
}

/** A table panel: a header row and `rows` rows. */
export function SkeletonTable({ rows = 6 }: { rows?: number }) {
  return (
    <div className="panel section">
      <div className="skeleton" style={{ height: 16, width: 180, marginBottom: 14 }} />
      <div className="skeleton-rows">
        {Array.from({ length: rows + 1 }, (_, i) => (
          <Bar key={i} height={i === 0 ? 18 : 14} />
        ))}
      </div>
    </div>
  );
}

function Bar({ height }: { height: number }) {
  return <div className="skeleton" style={{ height }} />;
}
