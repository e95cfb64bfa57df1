/**
 * What an interrupt must undo before roster dies of it: one piece for every command. Ctrl-C, a cron timeout's
 * SIGTERM and a closed terminal's SIGHUP end the command at once, and by the signal itself, so the shell reports
 * 130 (143, 129) and a calling script stops too (a script loop goes on after a child that merely exited 130).
 * Before that, whatever the command has half-written is undone: a temporary output file (`OUT.partial-PID`)
 * removed, an unfinished import batch rolled back, the spinner cleared and the cursor it hid shown again.
 *
 * A handler is installed only while something is registered here. Without one the signal acts at once, even in
 * the middle of synchronous work (SQLite rolls back an unfinished transaction). With one, the handler runs on
 * the main thread's event loop: code that registers an undo must yield between chunks of work (a read chunk, an
 * id range), or the interrupt would wait for the loop to end.
 */
import { rmSync } from "node:fs";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** In registration order; undone newest first. */
const undos = new Set<{ undo: () => void }>();

function undoThenDie(signal: NodeJS.Signals): void {
  const pending = [...undos].reverse();
  undos.clear();
  for (const { undo } of pending) {
    try {
      undo();
    } catch {
      // dying anyway: the other undos still matter (an import batch left behind is rolled back by the next import)
    }
  }
  // Every listener goes, ora's cursor restorer (signal-exit) too: the spinner was stopped above, and a listener
  // left would turn the signal below into one more event instead of the default action.
  for (const name of SIGNALS) process.removeAllListeners(name);
  process.kill(process.pid, signal);
}

function listen(on: boolean): void {
  for (const signal of SIGNALS) {
    if (on) process.on(signal, undoThenDie);
    else process.removeListener(signal, undoThenDie);
  }
}

/** Run `undo` if the process is interrupted before the returned function is called (the work finished or failed). */
export function onInterrupt(undo: () => void): () => void {
  const entry = { undo };
  if (undos.size === 0) listen(true);
  undos.add(entry);
  return () => {
    if (undos.delete(entry) && undos.size === 0) listen(false);
  };
}

const partials = new Map<string, () => void>();

/** A temporary output file: removed if the process is interrupted before untrackPartial. */
export function trackPartial(path: string): void {
  partials.set(
    path,
    onInterrupt(() => rmSync(path, { force: true })),
  );
}

/** The file was moved into place or removed. */
export function untrackPartial(path: string): void {
  partials.get(path)?.();
  partials.delete(path);
}
