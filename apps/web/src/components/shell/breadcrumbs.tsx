import { IntentLink } from './intent-link';

export interface Crumb {
  label: string;
  href?: string;
}

/** Up the hierarchy: Fleet > cluster > server > database > table > index. */
export function Breadcrumbs({ items, query }: { items: readonly Crumb[]; query?: string }) {
  const suffix = query ? `?${query}` : '';
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {items.map((c, n) => (
          <li key={`${c.label}-${n}`}>
            {c.href && n < items.length - 1 ? (
              <IntentLink href={`${c.href}${suffix}`}>{c.label}</IntentLink>
            ) : (
              <span aria-current={n === items.length - 1 ? 'page' : undefined}>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
