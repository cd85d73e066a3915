import { existsSync } from 'node:fs';

/** Debian's Chromium (or PGVIGIL_CHROMIUM): Playwright's own browser download cannot work here. */
export function chromiumPath(): string {
  return process.env.PGVIGIL_CHROMIUM || '/usr/bin/chromium';
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}
