'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, type ApiError, type ApiResult } from './api';

/**
 * One change through the API followed by a refresh of the server-rendered page.
 * The last failure is kept for the page's error banner and field messages.
 */
export function useApiMutation() {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);

  async function mutate<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { confirm?: string } = {},
  ): Promise<ApiResult<T> | null> {
    if (options.confirm && !window.confirm(options.confirm)) return null;
    const result = await api<T>(method, path, body);
    if (!result.ok) {
      setError(result.error);
      return result;
    }
    setError(null);
    router.refresh();
    return result;
  }

  /** DELETE after the user confirms `question`. */
  const remove = (path: string, question: string) =>
    mutate('DELETE', path, undefined, { confirm: question });

  return { error, setError, mutate, remove };
}
