import type { ReactNode } from 'react';
import { Suspense } from 'react';
import { Breadcrumbs, type Crumb } from './breadcrumbs';
import { TimeRangePicker } from './time-range-picker';

/** Title row of every dashboard page: breadcrumbs, title, status, and the time range. */
export function PageHeader({
  crumbs,
  title,
  subtitle,
  badge,
  query,
  timeRange = true,
}: {
  crumbs: readonly Crumb[];
  title: string;
  subtitle?: ReactNode;
  badge?: ReactNode;
  query?: string;
  timeRange?: boolean;
}) {
  return (
    <header className="page-header">
      <Breadcrumbs items={crumbs} query={query} />
      <div className="page-title-row">
        <div>
          <h1>
            {title} {badge}
          </h1>
          {subtitle ? <p className="muted">{subtitle}</p> : null}
        </div>
        {timeRange ? (
          <Suspense fallback={null}>
            <TimeRangePicker />
          </Suspense>
        ) : null}
      </div>
    </header>
  );
}
