import type { FormEvent, ReactNode } from 'react';
import styles from './admin.module.css';
import type { ApiError } from './api';

/** A labelled input with its validation message underneath. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
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

/**
 * The banner for an API failure. With `unlessFields`, a failure that names its
 * fields is left to the messages under those fields.
 */
export function ApiErrorBanner({
  error,
  unlessFields = false,
}: {
  error: ApiError | null;
  unlessFields?: boolean;
}) {
  if (!error || (unlessFields && error.fields)) return null;
  return <ErrorBox message={error.message} hint={error.hint} />;
}

/** A panel form: its fields in a two-column grid, the error banner, one submit button. */
export function FormPanel({
  label,
  title,
  onSubmit,
  error,
  submitLabel,
  children,
  after,
  bannerUnlessFields = false,
}: {
  label: string;
  title?: string;
  onSubmit: (event: FormEvent) => void | Promise<void>;
  error: ApiError | null;
  submitLabel: string;
  children: ReactNode;
  /** shown between the error banner and the button, e.g. a success notice */
  after?: ReactNode;
  /** leave a failure that names fields to the field messages alone */
  bannerUnlessFields?: boolean;
}) {
  return (
    <form
      className={`${styles.panel} ${styles.form}`}
      onSubmit={(e) => void onSubmit(e)}
      aria-label={label}
    >
      {title ? <h2>{title}</h2> : null}
      <div className={styles.grid2}>{children}</div>
      <ApiErrorBanner error={error} unlessFields={bannerUnlessFields} />
      {after}
      <div>
        <button className={styles.button} type="submit">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
