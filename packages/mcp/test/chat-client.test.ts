import { describe, expect, it } from 'vitest';
import { postChat } from '../src/ask/chat-client';

describe('the language model client', () => {
  it('never opens a socket to a link-local or metadata address', async () => {
    for (const baseUrl of ['http://169.254.169.254/v1', 'http://[fe80::1]:8080/v1']) {
      await expect(
        postChat({ baseUrl, model: 'm', apiKey: 'k', timeoutMs: 1000 }, {}),
      ).rejects.toThrow(/refused by the outbound policy/);
    }
  });

  it('refuses a scheme other than http and https', async () => {
    await expect(
      postChat({ baseUrl: 'ftp://127.0.0.1/v1', model: 'm', timeoutMs: 1000 }, {}),
    ).rejects.toThrow(/unsupported scheme/);
  });
});
