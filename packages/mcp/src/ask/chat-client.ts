// One chat-completions request to the configured language model, under the
// outbound policy (resolved and checked first, pinned address, no redirects),
// with a deadline and a cap on the answer's size. Failures are LlmUnavailableError
// with a sentence for the user; the API key and the response body never appear in it.
import http from 'node:http';
import https from 'node:https';
import {
  OutboundRefusedError,
  pinnedLookup,
  resolveOutbound,
  type Resolver,
} from '@pgvigil/probes';

export interface LlmConfig {
  /** the OpenAI-compatible base, e.g. http://localhost:11434/v1 (Ollama) */
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  /** per request to the model */
  timeoutMs: number;
  /** name resolution for the outbound policy (tests inject one; default: the system's) */
  resolve?: Resolver;
}

export class LlmUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmUnavailableError';
  }
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export async function postChat(config: LlmConfig, body: unknown): Promise<unknown> {
  const target = new URL(`${config.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const where = `${target.protocol}//${target.host}`;
  const fail = (why: string) => new LlmUnavailableError(`The language model at ${where} ${why}`);
  const transport =
    target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!transport) throw fail('has an unsupported scheme: use http or https.');
  let lookup;
  try {
    lookup = pinnedLookup(await resolveOutbound(target.hostname, config.resolve));
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      throw fail(`is refused by the outbound policy: ${err.message}`);
    throw fail(`cannot be resolved (${(err as { code?: string }).code ?? 'DNS error'}).`);
  }
  const payload = JSON.stringify(body);
  const seconds = Math.round(config.timeoutMs / 1000);
  const text = await new Promise<string>((resolve, reject) => {
    const req = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        lookup,
        // a socket per request: a kept-alive one the peer dropped would read as a reset
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...(config.apiKey
            ? { authorization: `Bearer ${config.apiKey}`, 'api-key': config.apiKey }
            : {}),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(
            fail(
              `answered HTTP ${status}${status === 401 || status === 403 ? ': check PGVIGIL_LLM_API_KEY' : status === 404 ? ': check PGVIGIL_LLM_BASE_URL and PGVIGIL_LLM_MODEL' : ''}.`,
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.byteLength;
          if (size > MAX_ANSWER_BYTES) req.destroy(fail('sent an answer larger than 4 MiB.'));
          else chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () =>
        req.destroy(
          fail(
            `did not answer within ${seconds} s (PGVIGIL_LLM_TIMEOUT_SECONDS); try again later.`,
          ),
        ),
      config.timeoutMs,
    );
    req.once('close', () => clearTimeout(timer));
    req.once('error', (err: Error & { code?: string }) =>
      reject(
        err instanceof LlmUnavailableError
          ? err
          : fail(`cannot be reached (${err.code ?? err.message}).`),
      ),
    );
    req.end(payload);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fail('answered something that is not JSON.');
  }
}
