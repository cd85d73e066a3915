'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ComponentProps } from 'react';

/**
 * A link prefetched when the reader points at it or tabs to it, not when it scrolls into
 * view. Next.js prefetches every link in the viewport on each page load: the sidebar and
 * breadcrumbs made about 17 requests per page, each rendering a page's layout in the web
 * app (about half of its CPU for a server page). Pointing precedes a click by enough for
 * the prefetch to start, so a click still shows the next page's loading state at once.
 */
export function IntentLink({
  href,
  onMouseEnter,
  onFocus,
  ...rest
}: Omit<ComponentProps<typeof Link>, 'prefetch' | 'href'> & { href: string }) {
  const router = useRouter();
  return (
    <Link
      {...rest}
      href={href}
      prefetch={false}
      onMouseEnter={(e) => {
        router.prefetch(href);
        onMouseEnter?.(e);
      }}
      onFocus={(e) => {
        router.prefetch(href);
        onFocus?.(e);
      }}
    />
  );
}
