// `npm run bench`: benchmarks print ratios against a reference measured in the same run.
console.log('No benchmarks yet.');
