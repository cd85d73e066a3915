import { SkeletonCharts, SkeletonPage, SkeletonPanel } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading query">
      <SkeletonPanel height={60} />
      <SkeletonPanel height={110} />
      <SkeletonCharts count={2} />
    </SkeletonPage>
  );
}
