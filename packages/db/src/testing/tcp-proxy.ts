import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes every connection open now (what a restarted server or a reset does to its clients). */
  cut(): void;
  /**
   * On: bytes stop flowing both ways and new connections hang, while every socket
   * stays open (a firewall dropping packets). Off: traffic flows again.
   */
  blackhole(on: boolean): void;
  /** Sends new connections to another port (a moved virtual IP). */
  retarget(port: number): void;
  close(): Promise<void>;
}

/** A loopback TCP forwarder in front of a test server, to cut or blackhole its traffic. */
export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let target = targetPort;
  let holed = false;
  const server = createServer((client) => {
    const upstream = connect(target, host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    if (!holed) flow(pair, true);
  });
  const flow = ([a, b]: [Socket, Socket], on: boolean) => {
    if (on) {
      a.pipe(b);
      b.pipe(a);
    } else {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    blackhole(on) {
      if (holed === on) return;
      holed = on;
      for (const pair of pairs) flow(pair, !on);
    },
    retarget(next) {
      target = next;
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
