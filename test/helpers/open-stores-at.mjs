// Opens new stores `<dir>/store-<i>.db` one after another, store i at startAt + i * gapMs exactly (a busy wait),
// so that several copies of this script open each store at the same moment. Prints one line per store: ok or
// the error's first line.
import { join } from "node:path";
import { openStore } from "../../dist/store/open.js";

const [dir, startAt, rounds, gapMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
for (let i = 0; i < rounds; i++) {
  const at = startAt + i * gapMs;
  while (Date.now() < at) {
    // spin: a timer would wake up too late for the race
  }
  try {
    openStore(join(dir, `store-${i}.db`), { create: true, busyTimeoutMs: 5000 }).db.close();
    console.log("ok");
  } catch (error) {
    console.log(String(error.message).split("\n")[0]);
  }
}
