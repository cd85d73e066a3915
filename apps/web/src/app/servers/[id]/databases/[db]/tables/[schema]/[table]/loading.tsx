import {
  SkeletonCharts,
  SkeletonPage,
  SkeletonPanel,
  SkeletonTable,
} from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading table">
      <SkeletonPanel height={110} />
      <SkeletonCharts count={4} />
      <SkeletonTable rows={3} />
    </SkeletonPage>
  );
}
