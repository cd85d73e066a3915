import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..', '..');
const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const web = pathToFileURL(path.join(root, 'scripts', 'lib', 'web.ts')).href;

// The supervisor lives as long as pgvigil and asks the web app's health endpoint at
// every start. fetch() would load undici and compile its WebAssembly parser: about
// 20 MB the supervisor would keep while idle (docs/performance.md, "Idle footprint").
describe("the supervisor's readiness check of the web app", () => {
  let server: Server;
  let answered = 0;
  beforeAll(async () => {
    // a web app still starting: 503 first, then up
    server = createServer((_req, res) => {
      answered += 1;
      res.writeHead(answered === 1 ? 503 : 200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('waits for an answer below 500 without loading undici (fetch)', async () => {
    const { port } = server.address() as AddressInfo;
    // a port nobody listens on: the server we just closed
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // its own process: undici, once loaded by anything, stays loaded
    const script = `
      import { waitForWeb } from ${JSON.stringify(web)};
      const up = await waitForWeb(${port}, 60_000);
      const down = await waitForWeb(${closedPort}, 300);
      const undici = process.moduleLoadList.some((m) => m.includes('undici'));
      console.log(JSON.stringify({ up, down, undici }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, '--input-type=module', '-e', script],
      { cwd: root },
    );
    expect(JSON.parse(stdout)).toEqual({ up: true, down: false, undici: false });
    expect(answered).toBe(2);
  });
});
