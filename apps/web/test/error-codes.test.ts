import { AppError } from '@pgvigil/db';
import { ERROR_CODES } from '@pgvigil/schema';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '@/contract/common';
import { toResponse } from '@/server/http';

describe('error codes', () => {
  it('each code answers its own status, in the error body shape', async () => {
    for (const code of ERROR_CODES) {
      const res = toResponse(new AppError(code, `a ${code}`));
      expect(res.status, code).toBe(ERROR_STATUS[code]);
      expect(await res.json()).toEqual({ error: { code, message: `a ${code}` } });
    }
  });

  it('is a closed set: an unknown code does not compile, so it never becomes a silent 400', () => {
    // @ts-expect-error 'bogus' is not an ErrorCode (on main it was accepted and answered 400)
    const err = new AppError('bogus', 'no such code');
    expect(ERROR_CODES).not.toContain(err.code);
  });

  it('anything that is not a typed error is a 500 without its message', async () => {
    const res = toResponse(new Error('secret detail at /srv/app.ts:12'));
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain('secret detail');
  });
});
