// pgvigil's web server: Next.js behind a plain Node HTTP server, so the app knows
// who is calling. Route handlers get no socket from Next.js; this server writes the
// peer address into a header they believe (peer.ts), after removing any copy a
// caller sent, and drops forwarding headers unless a proxy is trusted.
import { createServer } from 'node:http';
import path from 'node:path';
import next from 'next';
import { stopWithSupervisor } from '@pgvigil/db/supervised';
import { PEER_HEADER, trustPeerHeader } from '../src/server/auth/peer';
import { env } from '../src/server/env';

const FORWARDING = [
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'forwarded',
];

async function main() {
  const e = env();
  trustPeerHeader();
  const app = next({ dev: false, dir: path.join(import.meta.dirname, '..'), port: e.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    delete req.headers[PEER_HEADER];
    if (!e.PGVIGIL_TRUST_PROXY) for (const h of FORWARDING) delete req.headers[h];
    const peer = req.socket.remoteAddress;
    if (peer) req.headers[PEER_HEADER] = peer;
    handle(req, res).catch((err: unknown) => {
      console.error('web: request failed:', err instanceof Error ? err.message : err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(e.PORT, () => console.log(`web: listening on port ${e.PORT}`));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // requests still running get a few seconds, then the process ends anyway
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stopWithSupervisor(stop);
}

main().catch((err: unknown) => {
  console.error(`web: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
