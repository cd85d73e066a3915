import Link from 'next/link';
import { EmptyState } from '@/components/shell/states';

export default function NotFound() {
  return (
    <EmptyState title="Nothing here">
      This page does not exist or the object was removed. <Link href="/">Back to the fleet</Link>
    </EmptyState>
  );
}
