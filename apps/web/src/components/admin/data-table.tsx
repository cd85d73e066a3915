import type { ReactNode } from 'react';
import styles from './admin.module.css';

/** A list page's table in its panel; the last heading may be blank for row actions. */
export function DataTable({
  label,
  headings,
  empty,
  children,
}: {
  label: string;
  headings: string[];
  /** shown instead of the table when there are no rows */
  empty?: ReactNode;
  children: ReactNode[];
}) {
  return (
    <div className={styles.panel}>
      {empty && children.length === 0 ? (
        <p className={`${styles.hint} ${styles.empty}`}>{empty}</p>
      ) : (
        <table className={styles.table} aria-label={label}>
          <thead>
            <tr>
              {headings.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </div>
  );
}

/** The last cell of a row: its buttons, right-aligned. */
export function RowActions({ children }: { children: ReactNode }) {
  return (
    <td>
      <div className={styles.actions}>{children}</div>
    </td>
  );
}

/** A row action: `danger` for deletes and revokes, `secondary` otherwise. */
export function RowButton({
  kind = 'secondary',
  onClick,
  children,
}: {
  kind?: 'secondary' | 'danger';
  onClick: () => unknown;
  children: ReactNode;
}) {
  return (
    <button type="button" className={styles[kind]} onClick={() => void onClick()}>
      {children}
    </button>
  );
}

/** A select over a closed set (ROLES, ENVIRONMENTS, SSL_MODES). */
export function OptionsSelect({
  options,
  value,
  onChange,
  name,
  label,
}: {
  options: readonly string[];
  value: string;
  onChange: (value: string) => void;
  name?: string;
  /** aria-label, when the select is not inside a Field */
  label?: string;
}) {
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.target.value)}
      {...(name ? { name } : {})}
      {...(label ? { 'aria-label': label } : {})}
    >
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );
}
