import { SkeletonCharts, SkeletonPage, SkeletonPanel } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading index">
      <SkeletonPanel height={110} />
      <SkeletonCharts count={2} />
    </SkeletonPage>
  );
}
