import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');

// JavaScript, not TypeScript: the production server loads this file at every start,
// and a next.config.ts makes it load the SWC compiler to read it, about 40 MB of the
// idle web process (docs/performance.md).
/** @type {import('next').NextConfig} */
const config = {
  // Tests build into their own folder so a running `npm start` is never disturbed.
  distDir: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next',
  transpilePackages: [
    '@pgvigil/schema',
    '@pgvigil/db',
    '@pgvigil/probes',
    '@pgvigil/alerting',
    '@pgvigil/mcp',
  ],
  serverExternalPackages: ['pg', 'pg-copy-streams', 'node-cron', 'nodemailer', 'ssh2'],
  outputFileTracingRoot: root,
  turbopack: { root },
  poweredByHeader: false,
  reactStrictMode: true,
  // Prometheus' default metrics_path
  rewrites: () => Promise.resolve([{ source: '/metrics', destination: '/api/v1/metrics' }]),
  typescript: { ignoreBuildErrors: true }, // `npm test` typechecks; the build need not do it twice
  // Pages load on their first request instead of all at start: the web process idles
  // on much less memory (docs/performance.md).
  experimental: { preloadEntriesOnStart: false },
};

export default config;
