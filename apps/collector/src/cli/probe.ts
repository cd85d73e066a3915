// `npm run probe -- --url <conninfo> [--json]`
console.error('probe: not implemented yet');
process.exit(1);
