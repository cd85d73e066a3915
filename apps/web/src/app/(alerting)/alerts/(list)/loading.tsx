import { SkeletonTable, SkeletonPage } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading alerts">
      <SkeletonTable rows={6} />
    </SkeletonPage>
  );
}
