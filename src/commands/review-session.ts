/**
 * The interactive review: one pair at a time on the terminal, one key per answer (the rules are the state
 * machine in stages/review/session.ts). Each y or n is stored at once, in a transaction of its own with its
 * audit line, so q, Ctrl-C or a closed terminal never loses an answer already given; u takes the last one back
 * in the store too.
 */
import { openKeyReader } from "../io/keys.js";
import { pairId } from "../stages/review/file-format.js";
import { compareFields, levelLabels, strongestReasons } from "../stages/review/reasons.js";
import { pastLastPair, pressKey, type SessionState, sessionCounts, startSession } from "../stages/review/session.js";
import type { ReviewPair } from "../stages/review/types.js";
import type { Db } from "../store/open.js";
import { type DecisionReceipt, decidePair, modelsById, undoDecision } from "../store/review.js";
import type { ReviewIo, ReviewOptions } from "./review.js";
import { KEYS_HELP, pairScreen } from "./review-screen.js";

const SAID = { same: "same person", different: "different people" } as const;

export async function reviewInteractively(
  db: Db,
  pairs: readonly ReviewPair[],
  options: Pick<ReviewOptions, "decidedBy" | "auditArgs">,
  io: ReviewIo,
): Promise<{ same: number; different: number; skipped: number }> {
  const color = io.terminal.stdoutColor;
  const labels = new Map(
    [
      ...modelsById(
        db,
        pairs.map((pair) => pair.modelId),
      ),
    ].map(([id, model]) => [id, levelLabels(model)]),
  );
  const write = (text: string) => io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  const show = (state: SessionState) => {
    if (pastLastPair(state)) {
      write(`\n${color.bold("No more pairs in this session.")} ${color.dim("[u] undo last  [q] quit")}`);
      return;
    }
    const pair = pairs[state.index] as ReviewPair;
    const screen = pairScreen(
      color,
      pair,
      compareFields(pair.a, pair.b),
      strongestReasons(pair.explanation, labels.get(pair.modelId)),
      { number: state.index + 1, of: pairs.length },
      io.stdout.columns ?? 80,
    );
    write(`\n${screen}`);
  };

  const receipts: DecisionReceipt[] = [];
  const keys = openKeyReader(io.stdin);
  let state = startSession(pairs.length);
  try {
    show(state);
    while (!state.quit) {
      const key = await keys.next();
      const step = pressKey(state, key === "end" ? "q" : key);
      state = step.state;
      const { effect } = step;
      switch (effect.kind) {
        case "decide": {
          const pair = pairs[effect.index] as ReviewPair;
          receipts.push(decidePair(db, pair.a.id, pair.b.id, effect.decision, options.decidedBy, options.auditArgs));
          write(`${effect.decision === "same" ? color.green("y") : color.red("n")} → ${SAID[effect.decision]}`);
          show(state);
          break;
        }
        case "undo": {
          const receipt = receipts.pop() as DecisionReceipt;
          undoDecision(db, receipt, options.auditArgs);
          write(`u → took back "${SAID[effect.decision]}" for pair ${pairId(receipt.a, receipt.b)}`);
          show(state);
          break;
        }
        case "skip":
          write(`s → skipped`);
          show(state);
          break;
        case "nothing_to_undo":
          write(color.dim("u → nothing to take back yet"));
          break;
        case "ignored":
          if (key !== "\r" && key !== "\n") write(color.dim(pastLastPair(state) ? "[u] undo last  [q] quit" : KEYS_HELP));
          break;
        case "quit":
          write("q → quit");
          break;
      }
    }
  } finally {
    keys.close();
  }
  return sessionCounts(state);
}
