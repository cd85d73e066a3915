'use client';

export type ApiError = {
  code: string;
  message: string;
  hint?: string;
  fields?: Record<string, string>;
};
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: ApiError };

/** Same-origin JSON call to /api/v1; the browser adds the session cookie and Origin. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  try {
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json().catch(() => ({}))) as { error?: ApiError };
    if (!response.ok) {
      return {
        ok: false,
        status: response.status,
        error: json.error ?? { code: 'http', message: `HTTP ${response.status}` },
      };
    }
    return { ok: true, data: json as T };
  } catch {
    return {
      ok: false,
      status: 0,
      error: { code: 'network', message: 'pgvigil did not answer; is it running?' },
    };
  }
}
