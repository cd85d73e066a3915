import {
  SkeletonCharts,
  SkeletonPage,
  SkeletonPanel,
  SkeletonTable,
} from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading database">
      <SkeletonPanel height={40} />
      <SkeletonCharts count={4} />
      <SkeletonTable rows={8} />
    </SkeletonPage>
  );
}
