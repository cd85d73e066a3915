import { SkeletonPanel, SkeletonTable, SkeletonPage } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading channels">
      <SkeletonTable rows={3} />
      <SkeletonPanel height={200} />
    </SkeletonPage>
  );
}
