import { SkeletonPage, SkeletonPanel, SkeletonTable } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading cluster">
      <SkeletonPanel height={40} />
      <SkeletonTable rows={3} />
      <SkeletonPanel height={220} />
    </SkeletonPage>
  );
}
