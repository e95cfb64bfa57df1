// Preloaded with `node --import` by the benchmarks: prints the process's peak RSS when it exits, so the
// figure comes from the kernel's own accounting (getrusage) rather than from sampling.
process.on("exit", () => {
  process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
