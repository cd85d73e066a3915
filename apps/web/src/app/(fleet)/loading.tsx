import { SkeletonPage, SkeletonPanel, SkeletonTable } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading fleet">
      <SkeletonPanel height={40} />
      <SkeletonTable rows={8} />
    </SkeletonPage>
  );
}
