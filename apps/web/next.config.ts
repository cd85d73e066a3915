import path from 'node:path';
import type { NextConfig } from 'next';

const root = path.join(import.meta.dirname, '..', '..');

const config: NextConfig = {
  // Tests build into their own folder so a running `npm start` is never disturbed.
  distDir: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next',
  transpilePackages: [
    '@pgvigil/schema',
    '@pgvigil/db',
    '@pgvigil/probes',
    '@pgvigil/alerting',
    '@pgvigil/mcp',
  ],
  serverExternalPackages: ['pg', 'pg-copy-streams', 'node-cron', 'nodemailer'],
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
