import { SkeletonPage, SkeletonTable } from '@/components/shell/skeletons';

export default function Loading() {
  return (
    <SkeletonPage label="Loading">
      <SkeletonTable rows={8} />
    </SkeletonPage>
  );
}
