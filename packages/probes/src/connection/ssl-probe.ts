import { connect, type LookupFunction, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** What a server answered to an SSLRequest: 'S' (TLS on offer) or 'N' (no TLS). */
export type SslAnswer = 'S' | 'N';

// SSLRequest: length 8, magic code 80877103 (protocol 1234.5679).
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export class ProbeTimeoutError extends Error {
  readonly code = 'PGVIGIL_CONNECT_TIMEOUT';
  constructor(ms: number) {
    super(`No answer within ${ms} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * Asks the server whether it offers TLS, without starting a session. libpq learns
 * this the same way; `pg` reports a refusal only as message text, so pgvigil asks
 * first and decides from the one-byte answer.
 */
export function askSsl(
  host: string,
  port: number,
  timeoutMs: number,
  /** where the name goes: the addresses the outbound policy checked */
  lookup?: LookupFunction,
): Promise<{ answer: SslAnswer; localAddress?: string }> {
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined = undefined;
    const timer = setTimeout(() => {
      socket?.destroy();
      reject(new ProbeTimeoutError(timeoutMs));
    }, timeoutMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      socket?.destroy();
      fn();
    };
    socket = connect({ host, port, ...(lookup ? { lookup } : {}) });
    socket.once('connect', () => socket?.write(SSL_REQUEST));
    socket.once('data', (chunk: Buffer) => {
      const byte = String.fromCharCode(chunk[0] ?? 0);
      const localAddress = socket?.localAddress;
      if (byte === 'S' || byte === 'N') {
        finish(() => resolve({ answer: byte, ...(localAddress ? { localAddress } : {}) }));
      } else {
        finish(() =>
          reject(
            Object.assign(new Error('Not a PostgreSQL server'), { code: 'PGVIGIL_NOT_POSTGRES' }),
          ),
        );
      }
    });
    socket.once('error', (err) => finish(() => reject(err)));
    socket.once('end', () =>
      finish(() =>
        reject(Object.assign(new Error('Closed before answering'), { code: 'ECONNRESET' })),
      ),
    );
  });
}

/** The same question over a stream already open to the server (an SSH channel). */
export function askSslOnStream(stream: Duplex, timeoutMs: number): Promise<{ answer: SslAnswer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new ProbeTimeoutError(timeoutMs))),
      timeoutMs,
    );
    function finish(fn: () => void) {
      clearTimeout(timer);
      stream.destroy();
      fn();
    }
    stream.once('data', (chunk: Buffer) => {
      const byte = String.fromCharCode(chunk[0] ?? 0);
      if (byte === 'S' || byte === 'N') finish(() => resolve({ answer: byte }));
      else
        finish(() =>
          reject(
            Object.assign(new Error('Not a PostgreSQL server'), { code: 'PGVIGIL_NOT_POSTGRES' }),
          ),
        );
    });
    stream.once('error', (err: Error) => finish(() => reject(err)));
    stream.once('end', () =>
      finish(() =>
        reject(Object.assign(new Error('Closed before answering'), { code: 'ECONNRESET' })),
      ),
    );
    stream.write(SSL_REQUEST);
  });
}
