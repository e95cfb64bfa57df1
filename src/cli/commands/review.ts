/** `roster review`: the commander adapter, and the summary (terminal or --json). */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { DecisionsFileError, type ReviewIo, type ReviewResult, runReview } from "../../commands/review.js";
import { UsageError } from "../../errors.js";
import { count } from "../../io/count.js";
import type { Terminal } from "../../io/terminal.js";
import { parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { whoAmI } from "../who-am-i.js";

const ReviewFlags = z.object({
  export: z.string().min(1, "name a file").optional(),
  import: z.string().min(1, "name a file").optional(),
  limit: z.coerce.number().int("must be a whole number").positive("must be at least 1").optional(),
});

export async function reviewCommand(raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const flags = parseOptions(ReviewFlags, raw);
  const { terminal } = globals;
  const interactive = flags.export === undefined && flags.import === undefined;
  if (globals.json && interactive) throw new UsageError("--json is for --export and --import: the interactive review shows its own screen");
  if (globals.json && (flags.export === "-" || flags.import === "-")) {
    throw new UsageError(`--json with --${flags.export === "-" ? "export" : "import"} - : name a file, stdout carries the JSON result`);
  }
  if (flags.import !== undefined && flags.limit !== undefined)
    throw new UsageError("--limit is for the interactive review and --export, not --import");
  const { streams } = context;
  let result: ReviewResult;
  try {
    result = await runReview(
      {
        storePath: globals.storePath,
        busyTimeoutMs: globals.busyTimeoutMs,
        exportTo: flags.export,
        importFrom: flags.import,
        limit: flags.limit,
        decidedBy: whoAmI(streams.env),
        auditArgs: auditArgs({ "--export": flags.export, "--import": flags.import, "--limit": flags.limit }),
      },
      { terminal, stdin: streams.stdin as ReviewIo["stdin"], stdout: streams.stdout },
    );
  } catch (error) {
    if (error instanceof DecisionsFileError && globals.json) {
      terminal.result({
        command: "review",
        mode: "import",
        file: error.file,
        applied: 0,
        problems: error.problems.map((problem) => ({ line: problem.line, message: problem.message })),
      });
    }
    throw error;
  }
  if (globals.json) terminal.result(resultJson(result));
  else printSummary(terminal, result);
}

function printSummary(terminal: Terminal, result: ReviewResult): void {
  const c = terminal.color;
  if (result.mode === "export") {
    terminal.info(
      `wrote ${count(result.exported, "pair")} to review to ${result.file === "-" ? "stdout" : result.file}${result.left > result.exported ? ` (of ${result.left} in the queue)` : ""}`,
    );
    if (result.exported > 0)
      terminal.info(
        c.dim(
          `fill in its decision column (y: same person, n: different, blank: skip), then roster review --import ${result.file === "-" ? "FILE" : result.file}`,
        ),
      );
    return;
  }
  if (result.mode === "interactive" && result.same + result.different + result.skipped === 0 && result.left === 0) {
    terminal.info("nothing to review: no undecided pairs in dedupe's review band");
    terminal.info(c.dim("roster dedupe --review-threshold P stores more of the uncertain pairs for review"));
    return;
  }
  const decided = result.same + result.different;
  const parts = [
    `${count(decided, "pair")} decided (${result.same} ${c.green("same person")}, ${result.different} ${c.red("different")})`,
    ...(result.replaced > 0 ? [`${count(result.replaced, "earlier decision")} replaced`] : []),
    `${result.skipped} skipped`,
    `${count(result.left, "pair")} left in the queue`,
  ];
  terminal.info(`${result.mode === "import" ? `${result.file}: ` : ""}${parts.join(", ")}`);
  if (decided > 0)
    terminal.info(c.dim("run roster dedupe so the decisions take effect: the same person is joined, different people kept apart"));
}

function resultJson(result: ReviewResult) {
  return {
    command: "review",
    ok: true,
    mode: result.mode,
    store: result.store,
    file: result.file ?? null,
    ...(result.mode === "export"
      ? { exported: result.exported }
      : { same: result.same, different: result.different, skipped: result.skipped, replaced: result.replaced }),
    left: result.left,
  };
}
