import Link from 'next/link';
import { formatNumber } from './format';

/** Where a paged list stands, as the db package's ObjectPage gives it. */
export type ListPage = {
  page: number;
  pages: number;
  first: number;
  matched: number;
  total: number;
  rows: readonly unknown[];
};

/** "1–50 of 200 tables" for a list paged on the server. */
export function listCount(p: ListPage, noun: string, filter: string): string {
  const last = p.first + p.rows.length - 1;
  const shown =
    p.rows.length < p.matched ? `${formatNumber(p.first)}–${formatNumber(last)} of ` : '';
  const of = filter ? ` matching “${filter}” (of ${formatNumber(p.total)})` : '';
  return `${shown}${formatNumber(p.matched)} ${noun}${of}`;
}

/** Previous / next links of a list paged on the server; plain links, so a page can be shared. */
export function ListPager({
  label,
  page,
  href,
}: {
  label: string;
  page: ListPage;
  href: (page: number) => string;
}) {
  if (page.pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      {page.page > 1 ? (
        <Link className="btn" href={href(page.page - 1)} rel="prev">
          Previous
        </Link>
      ) : null}
      <span>
        Page {page.page} of {page.pages}
      </span>
      {page.page < page.pages ? (
        <Link className="btn" href={href(page.page + 1)} rel="next">
          Next
        </Link>
      ) : null}
    </nav>
  );
}
