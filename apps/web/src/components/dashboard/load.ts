import { NotFoundError, ValidationError } from '@pgvigil/db';
import { notFound } from 'next/navigation';

/** A missing object (or a malformed id in the URL) on a page is the 404 page, not the error boundary. */
export async function loadOrNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ValidationError) notFound();
    throw err;
  }
}
