// Preloaded by the benchmark into a measured process: on exit, writes its resource usage (maxRSS in KiB)
// to the file named by BENCH_USAGE_FILE.
const fs = require('fs');
process.on('exit', () => {
  if (process.env.BENCH_USAGE_FILE) fs.writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage()));
});
