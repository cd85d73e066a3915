// The platform's idle footprint (issue: a compiled runtime under 250 MB): `npm start`
// with one monitored server, left alone for BENCH_FOOTPRINT_SECONDS (90), then the
// resident memory of each pgvigil Node process. The reference, measured in the same
// run, is an idle `node` doing nothing: what any Node process costs on this machine.
import { spawn } from 'node:child_process';
import { benchServer, fmt } from './lib';
import { api, rssMb, startPlatform } from './platform';

const TARGET_MB = 250;

async function idleNodeMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const mb = (await rssMb(child.pid!)) ?? 0;
  child.kill();
  return mb;
}

export async function benchFootprint(): Promise<void> {
  const seconds = Number(process.env.BENCH_FOOTPRINT_SECONDS ?? 90);
  console.log(`\nIdle footprint: npm start with one monitored server, after ${seconds} s`);
  const target = await benchServer('footprint');
  const platform = await startPlatform();
  try {
    const created = await api(platform, 'POST', '/api/v1/servers', {
      name: 'footprint',
      url: `postgresql://postgres:bench@127.0.0.1:${target.server.port}/postgres?sslmode=disable`,
    });
    if (created.status >= 300) throw new Error(`cannot register the server: ${created.status}`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const pids = await platform.pids();
    const rows: [string, number | null][] = [
      ['supervisor', await rssMb(platform.supervisorPid)],
      ['collector', pids.collector ? await rssMb(pids.collector) : null],
      ['alerter', pids.alerter ? await rssMb(pids.alerter) : null],
      ['web', pids.web ? await rssMb(pids.web) : null],
    ];
    const total = rows.reduce((sum, [, mb]) => sum + (mb ?? 0), 0);
    const reference = await idleNodeMb();
    for (const [name, mb] of rows)
      console.log(`  ${name.padEnd(10)} ${mb === null ? 'not found' : `${fmt(mb)} MB RSS`}`);
    console.log(
      `  all pgvigil Node processes: ${fmt(total)} MB (target < ${TARGET_MB}); ` +
        `an idle node: ${fmt(reference)} MB, so ${fmt(total / reference, 1)}x an idle node ` +
        `for 4 processes (datastore not counted: ${pids.datastore ? `${fmt((await rssMb(pids.datastore)) ?? 0)} MB postmaster` : 'external'})`,
    );
  } finally {
    await platform.stop();
    await target.done();
  }
}
