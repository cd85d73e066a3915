// The caller's real address. Next.js gives route handlers no socket, so pgvigil's
// own HTTP server (apps/web/server/main.ts) writes the peer address into a header,
// replacing whatever a caller sent under that name. The header is believed only in
// a process that server started: under a plain `next start` anyone could write it.

export const PEER_HEADER = 'x-pgvigil-peer';
const SERVED = Symbol.for('pgvigil.web.peer-header');

/** Called by pgvigil's server (and tests standing in for it) before any request. */
export function trustPeerHeader(): void {
  (globalThis as Record<symbol, unknown>)[SERVED] = true;
}

export function peerHeaderTrusted(): boolean {
  return (globalThis as Record<symbol, unknown>)[SERVED] === true;
}

/** `::ffff:10.0.0.1` -> `10.0.0.1`, bounded length. */
export function normalizeAddress(address: string): string {
  return address
    .trim()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1')
    .slice(0, 100);
}

/** 127.0.0.0/8 and ::1: the machine pgvigil runs on. */
export function isLoopback(address: string): boolean {
  const a = normalizeAddress(address);
  return /^127\.\d+\.\d+\.\d+$/.test(a) || a === '::1';
}
