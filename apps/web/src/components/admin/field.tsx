import type { ReactNode } from 'react';
import styles from './admin.module.css';

/** A labelled input with its validation message underneath. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className={styles.field}>
      <span>{label}</span>
      {children}
      {hint ? <span className={styles.hint}>{hint}</span> : null}
      {error ? (
        <span className={styles.fieldError} role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function ErrorBox({ message, hint }: { message: string; hint?: string | undefined }) {
  return (
    <div className={styles.error} role="alert">
      <strong>{message}</strong>
      {hint ? <div className={styles.hint}>{hint}</div> : null}
    </div>
  );
}
