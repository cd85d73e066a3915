import { SkeletonPanel, SkeletonTable, SkeletonPage } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading blackouts">
      <SkeletonPanel height={60} />
      <SkeletonTable rows={3} />
    </SkeletonPage>
  );
}
