import { LoadingBlock } from '@/components/shell/states';

export default function Loading() {
  return (
    <div className="grid">
      <LoadingBlock height={56} label="Loading page" />
      <LoadingBlock height={240} />
    </div>
  );
}
