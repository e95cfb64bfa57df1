/**
 * Terminal output decisions, made once per process and passed down (DESIGN.md §1).
 * chalk ignores NO_COLOR and ora colours its symbols even on a redirected stream, so neither is trusted
 * to decide on its own: we build a chalk instance with an explicit level and only create spinners when
 * progress is allowed.
 */
import { Chalk, type ChalkInstance } from "chalk";
import { colorAllowed, type OutputFlags, type Streams } from "./color.js";
import { onInterrupt } from "./interrupt.js";

export { colorAllowed, type OutputFlags, type Streams } from "./color.js";

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const noProgress: Progress = { update() {}, stop() {} };

/**
 * Everything a command writes besides its data: messages on stderr, shaped by the flags. Colour is decided per
 * stream: `roster validate > report.txt` on a terminal colours its messages, never the file.
 */
export class Terminal {
  /** For messages on stderr. */
  readonly color: ChalkInstance;
  /** For data and reports on stdout (a table, a dry run's mapping): stdout's own TTY-ness decides. */
  readonly stdoutColor: ChalkInstance;
  /** Spinners and live counters: stderr is a TTY, colour rules allow it, not quiet, not --json. */
  readonly progressAllowed: boolean;
  /** How many warnings were printed: --warn-error turns any into exit 1. */
  warnings = 0;
  /**
   * The command's --json result. main prints it once the outcome is known, so stdout carries exactly one
   * object, success or failure (DESIGN.md §1): a failure adds `ok: false` and `error` to it.
   */
  jsonResult: Record<string, unknown> | undefined;

  constructor(
    readonly streams: Streams,
    readonly flags: OutputFlags,
  ) {
    const useColor = colorAllowed(streams.stderr, streams.env, flags);
    this.color = new Chalk({ level: useColor ? 1 : 0 });
    this.stdoutColor = new Chalk({ level: colorAllowed(streams.stdout, streams.env, flags) ? 1 : 0 });
    // A terminal that reports 0 columns (some CI and `script` setups) makes ora redraw forever.
    this.progressAllowed = useColor && !flags.quiet && !flags.json && (streams.stderr.columns ?? 80) > 0;
  }

  /** A summary or note: suppressed by --quiet. */
  info(message: string): void {
    if (!this.flags.quiet) this.streams.stderr.write(`${message}\n`);
  }

  /** Only with --verbose. */
  detail(message: string): void {
    if (this.flags.verbose) this.streams.stderr.write(`${this.color.dim(message)}\n`);
  }

  /** Warnings are shown even with --quiet: a cron log should still carry them. */
  warn(message: string): void {
    this.warnings++;
    this.streams.stderr.write(`${this.color.yellow("warning:")} ${message}\n`);
  }

  error(message: string, hint?: string): void {
    this.streams.stderr.write(`${this.color.red("error:")} ${message}\n`);
    if (hint) this.streams.stderr.write(`  ${hint}\n`);
  }

  /** The --json result object (printed by main at the end). */
  result(value: Record<string, unknown>): void {
    this.jsonResult = value;
  }

  /** Data on stdout. */
  out(text: string): void {
    this.streams.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /**
   * A spinner with live text on a TTY; a no-op elsewhere (cron logs stay clean). ora loads lazily.
   * ora's discardStdin is off: it puts the terminal in raw mode, where Ctrl-C is no signal but a byte on stdin
   * that nobody read while a command worked (it ran to the end). Keys typed meanwhile now echo; Ctrl-C works.
   */
  async progress(text: string): Promise<Progress> {
    if (!this.progressAllowed) return noProgress;
    const { default: ora } = await import("ora");
    const spinner = ora({ text, stream: this.streams.stderr as NodeJS.WritableStream, isEnabled: true, discardStdin: false }).start();
    // Interrupted, the spinner line is cleared and the cursor ora hid is shown again before roster dies.
    const forget = onInterrupt(() => spinner.stop());
    return {
      update: (next) => {
        spinner.text = next;
      },
      stop: () => {
        forget();
        spinner.stop();
      },
    };
  }
}
