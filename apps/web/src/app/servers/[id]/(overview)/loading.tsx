import {
  SkeletonCharts,
  SkeletonPage,
  SkeletonPanel,
  SkeletonTable,
} from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading server">
      <SkeletonPanel height={40} />
      <SkeletonCharts count={6} />
      <SkeletonTable rows={5} />
    </SkeletonPage>
  );
}
