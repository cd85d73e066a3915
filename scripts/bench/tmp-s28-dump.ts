import { writeFileSync } from 'node:fs';
import { ADMIN, withWebApp } from './dashboard-web';

await withWebApp(process.env.BENCH_STORE_URL!, process.env.BENCH_KEEP!, async (base) => {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(ADMIN),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  for (const path of (process.env.DUMP_PATHS ?? '').split(' ')) {
    const page = await fetch(`${base}${path}`, { headers: { cookie } });
    const html = await page.text();
    const file = `/tmp/s28-dbpage/${process.env.DUMP_TAG}-${path.replace(/\W+/g, '_')}.html`;
    writeFileSync(file, html);
    console.log(page.status, html.length, file);
  }
});
