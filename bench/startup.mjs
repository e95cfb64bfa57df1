// `npm run bench:startup`: how long `roster --help` takes to start, side by side with bare `node -e 0` (the
// floor any Node.js CLI pays). Runs alternate, so a busy neighbour slows both alike; medians of 31 each.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const bin = join(import.meta.dirname, "..", "bin", "roster.js");
const RUNS = 31;
const commands = {
  "node -e 0": [process.execPath, ["-e", "0"]],
  "roster --help": [process.execPath, [bin, "--help"]],
  "roster --version": [process.execPath, [bin, "--version"]],
};

const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let run = 0; run < RUNS + 2; run++) {
  for (const [name, [file, args]] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(file, args, { stdio: ["ignore", "ignore", "inherit"] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}`);
    if (run >= 2) times[name].push(ms); // the first two warm the disk cache
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = median(times["node -e 0"]);
for (const [name, values] of Object.entries(times)) {
  const ms = median(values);
  console.log(`${name.padEnd(18)} ${ms.toFixed(1).padStart(6)} ms  (${(ms / floor).toFixed(2)}x node -e 0)`);
}
