import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_BODY_BYTES, readJson } from '@/server/validate';

/** A chunked body (no Content-Length) of `total` bytes, counting what the reader pulled. */
function chunked(total: number, chunk = 64 * 1024) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  const request = new Request('http://localhost:3000/api/v1/x', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
  } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('request bodies', () => {
  it('a chunked body is abandoned once it passes the limit, not read whole first', async () => {
    const { request, pulled } = chunked(50 * MAX_BODY_BYTES);
    await expect(readJson(request, z.unknown())).rejects.toThrow(/larger than/);
    expect(pulled()).toBeLessThan(MAX_BODY_BYTES + 512 * 1024);
  });

  it('a chunked body under the limit is read and parsed', async () => {
    const text = JSON.stringify({ a: 'x'.repeat(100_000) });
    const request = new Request('http://localhost:3000/api/v1/x', {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(text.slice(0, 50_000)));
          c.enqueue(new TextEncoder().encode(text.slice(50_000)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await readJson(request, z.object({ a: z.string() }))).toEqual({
      a: 'x'.repeat(100_000),
    });
  });
});
