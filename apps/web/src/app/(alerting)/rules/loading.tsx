import { SkeletonTable, SkeletonPage } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading rules">
      <SkeletonTable rows={14} />
    </SkeletonPage>
  );
}
