/**
 * Declares every command and its options (commander). Each command's module is imported only when that
 * command runs, so `roster --help` stays fast.
 */
import { Command, Option } from "commander";
import type { Streams, Terminal } from "../io/terminal.js";

export interface CliContext {
  streams: Streams;
  /** Set once the global options are resolved, so store errors can name the file. */
  storePath: string | undefined;
  /** Set once the global options are resolved; main reads its warning count for --warn-error. */
  terminal?: Terminal | undefined;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** What `--source` does: import records it; normalize and validate filter the store by it, or name files' rows. */
const SOURCE_RECORDED = "source name recorded with every row (default: the file name without extension)";
const SOURCE_FILTERS =
  "on the store: only this source's records (exit 2 if the store has no such source); with files: the rows' source name (default: the file name without extension)";

/** Reading options shared by import, validate, normalize, dedupe and report (DESIGN.md §1). */
/** `formatFlag`: validate keeps `--format` for its report and reads the input format from `--input-format`. */
export function addReadingOptions(command: Command, formatFlag = "--format", sourceHelp = SOURCE_RECORDED): Command {
  return command
    .addOption(
      new Option(`${formatFlag} <format>`, "input format (default: from the extension, else sniffed)").choices([
        "csv",
        "tsv",
        "json",
        "jsonl",
      ]),
    )
    .option("--encoding <name>", "auto | utf-8 | utf-16le | utf-16be | gb18030 | gbk | latin1", "auto")
    .option("--delimiter <char>", "CSV field delimiter (default: sniffed from the first lines); 'tab' or \\t for tabs")
    .option("--map <COLUMN=FIELD>", "map a column to a canonical field (repeatable); FIELD 'attributes' keeps it out", collect)
    .option("--source <name>", sourceHelp);
}

export function buildProgram(context: CliContext): Command {
  const { streams } = context;
  const program = new Command("roster")
    .description(
      "Keep a customer list clean: import CSV/JSON exports into one SQLite store, normalize and validate them (or check and normalize files straight).",
    )
    .version("0.1.0", "-V, --version")
    .option("--store <path>", "store file (default: $ROSTER_STORE, else roster.yml's store, else ./roster.db)")
    .option("--config <path>", "config file (default: ./roster.yml if present)")
    .option("--json", "print one JSON result object on stdout")
    .option("-q, --quiet", "only warnings and errors on stderr")
    .option("-v, --verbose", "more detail on stderr; stack traces for internal errors")
    .option("--no-color", "no colours (also off with NO_COLOR, TERM=dumb, CI, and on a stream that is not a terminal)")
    .option("--country <CC>", "default country (ISO 3166-1 alpha-2) for phones and addresses")
    .option("--warn-error", "exit 1 when any warning was printed (strict CI and cron runs)")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .addHelpText(
      "after",
      `
Examples:
  $ roster import customers.csv            import into ./roster.db (created on first use)
  $ roster import --source shop orders.jsonl
  $ roster --store /data/crm.db import exports/*.csv --max-rejects 1%

Exit codes: 0 done, 1 quality gate failed, 2 usage/config error, 3 input unreadable, 4 store unavailable, 70 bug.`,
    );

  program
    .command("init")
    .description("create the store (and, with --config-template, a commented roster.yml)")
    .option("--config-template", "also write a commented roster.yml in the current directory (not overwritten)")
    .addHelpText("after", "\nExamples:\n  $ roster init\n  $ roster --store /data/crm.db init --config-template")
    .action(async (_options, command: Command) => {
      const { initCommand } = await import("./commands/init.js");
      await initCommand(command.optsWithGlobals(), context);
    });

  addReadingOptions(
    program
      .command("import")
      .description("read CSV, TSV, JSON arrays, JSON Lines or stdin into the store")
      .argument("<file...>", "files to import; - reads stdin")
      .option("--dry-run", "show the column mapping and the first rows; write nothing")
      .option("--max-rejects <N|P%>", "exit 1 when more rows than this are rejected (a count, or 0% to 100% of rows read)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ roster import customers.csv
  $ roster import crm.csv shop.jsonl web.json
  $ roster import --dry-run --map "Handy=phone" export.csv
  $ gunzip -c export.csv.gz | roster import --source crm -
  $ roster import --encoding latin1 --delimiter ';' legacy.txt
  $ roster import --max-rejects 0.5% --json nightly.csv > import.json`,
    )
    .action(async (files: string[], _options, command: Command) => {
      const { importCommand } = await import("./commands/import.js");
      await importCommand(files, command.optsWithGlobals(), context);
    });

  const batches = program
    .command("batches")
    .description("list the imported batches (id, source, file, when, counts, status); `batches rm ID` removes one")
    .option("--source <name>", "only this source's batches")
    .addHelpText(
      "after",
      `
Examples:
  $ roster batches                       every import, oldest first
  $ roster batches --source crm
  $ roster --json batches > batches.json
  $ roster batches rm 7                  remove batch 7's records, rejects and findings`,
    )
    .action(async (_options, command: Command) => {
      const { batchesCommand } = await import("./commands/batches.js");
      await batchesCommand(command.optsWithGlobals(), context);
    });
  batches
    .command("rm")
    .description("remove a batch: its records, rejects, findings and match keys, in one transaction; what it superseded is current again")
    .argument("<id>", "the batch id, as `roster batches` lists it")
    .addHelpText(
      "after",
      `
Examples:
  $ roster batches rm 7
  $ roster --json batches rm 7

A batch that replaced another (the same file re-read with other options) gives it back its place; the versions
of rows it superseded are current again. Refused (exit 4) while an import into the same source is running.`,
    )
    .action(async (id: string, _options, command: Command) => {
      const { batchesRmCommand } = await import("./commands/batches.js");
      await batchesRmCommand(id, command.optsWithGlobals(), context);
    });

  addReadingOptions(
    program
      .command("normalize")
      .description("canonical names, emails, phones, dates, countries and addresses (in the store, or files in → files out)")
      .argument("[file...]", "files to normalize as a filter (- for stdin); without files, the store's records")
      .option("-o, --out <file>", "with files: write here (.csv or .jsonl) instead of stdout")
      .option("--dry-run", "show per field what would change, with examples; write nothing")
      .option("--new", "only the records never normalized (after an import; what dedupe does first), leave the rest as they are"),
    "--format",
    SOURCE_FILTERS,
  )
    .addHelpText(
      "after",
      `
Examples:
  $ roster normalize                              normalize every current record in the store
  $ roster normalize --new                        only what the last imports added (a nightly run)
  $ roster normalize --dry-run                    show what would change
  $ roster --country US normalize --source crm    one source; US as the default country for phones
  $ roster normalize export.csv -o clean.csv      as a filter: CSV in, normalized CSV out
  $ cat shop.jsonl | roster normalize - > clean.jsonl`,
    )
    .action(async (files: string[], _options, command: Command) => {
      const { normalizeCommand } = await import("./commands/normalize.js");
      await normalizeCommand(files, command.optsWithGlobals(), context);
    });

  addReadingOptions(
    program
      .command("validate")
      .description("check records against rules: the store, or files straight (no store needed); exit 1 when a gate fails")
      .argument("[file...]", "files to check (- for stdin); without files, the store's records")
      .addOption(new Option("--format <format>", "report format (default: table)").choices(["table", "json", "junit", "markdown", "csv"]))
      .option("-o, --out <file>", "write the report here instead of stdout (- for stdout; written whether the gates pass or not)")
      .addOption(
        new Option(
          "--fail-on <severity>",
          "findings of this severity or worse fail (default: error; never when thresholds are set)",
        ).choices(["error", "warning", "never"]),
      )
      .option("--max-invalid <[RULE=]PCT>", "fail when more records than PCT have errors, or break RULE (repeatable)", collect),
    "--input-format",
    SOURCE_FILTERS,
  )
    .addHelpText(
      "after",
      `
Examples:
  $ roster validate                                      the store's current records
  $ roster validate customers.csv web.jsonl              files straight, nothing written
  $ roster validate --format junit --out validate.xml exports/*.csv
  $ roster validate --format markdown data.csv >> "$GITHUB_STEP_SUMMARY"
  $ roster validate --fail-on never --max-invalid 2% --max-invalid email.syntax=0.5% data.csv
  $ roster validate --format csv --out findings.csv`,
    )
    .action(async (files: string[], _options, command: Command) => {
      const { validateCommand } = await import("./commands/validate.js");
      await validateCommand(files, command.optsWithGlobals(), context);
    });

  addReadingOptions(
    program
      .command("dedupe")
      .description("find the records of the same person (fuzzy matching) and group them into clusters: the store, or files in → files out")
      .argument("[file...]", "files to deduplicate as a filter (- for stdin); without files, the store's current records")
      .option(
        "-o, --out <file>",
        "with files: write the rows with cluster_id and match_probability here (.csv or .jsonl) instead of stdout",
      )
      .option("--threshold <P>", "match probability from which a pair is a match (default 0.95, or dedupe.threshold in roster.yml)")
      .option("--review-threshold <P>", "pairs from here up to the threshold are stored for review (default 0.5)")
      .option("--retrain", "train a new model even though one is stored (store)")
      .option("--full", "score every record again, not only new and changed ones (store)")
      .option("--explain <records...>", "explain the score of two records: ids or source:source_id (store)")
      .option("--show-model", "print the stored model: m, u and the weight of every level (store)"),
    "--format",
    "with files: the rows' source name (default: the file name without extension); the store is matched whole",
  )
    .addHelpText(
      "after",
      `
Examples:
  $ roster dedupe                                   score new and changed records, update clusters
  $ roster dedupe --retrain --full                  train a new model and score everything again
  $ roster dedupe --explain 17 42                   why records 17 and 42 match (or do not)
  $ roster dedupe --explain crm:C-1001 shop:88      records named by source and source id
  $ roster dedupe --show-model                      m, u and weight of every comparison level
  $ roster dedupe a.csv b.jsonl -o clusters.csv     files in, rows with cluster_id out; no store`,
    )
    .action(async (files: string[], _options, command: Command) => {
      const { dedupeCommand } = await import("./commands/dedupe.js");
      await dedupeCommand(files, command.optsWithGlobals(), context);
    });

  program
    .command("review")
    .description("decide the pairs dedupe was unsure about: same person or not, on a terminal or through a CSV file")
    .option(
      "--export <file>",
      "write the queue of pairs to review as CSV (- for stdout), with an empty decision column; no terminal needed",
    )
    .option("--import <file>", "apply a filled-in decisions file (pair_id and decision columns): all its rows, or none if any is bad")
    .option("--limit <N>", "at most N pairs, the most uncertain first (interactive and --export)")
    .addHelpText(
      "after",
      `
Examples:
  $ roster review                              one pair at a time: y same person, n different, s skip, u undo, q quit
  $ roster review --limit 20                   the 20 most uncertain pairs only
  $ roster review --export pairs.csv           for a spreadsheet: fill in the decision column (y / n, blank skips)
  $ roster review --import pairs.csv           apply it (checked first: nothing is applied if a row is bad)
  $ roster dedupe                              then dedupe again: the decisions take effect

The interactive review needs a terminal on stdin and stdout; elsewhere (cron, CI, a pipe) it refuses with exit 2
and the file workflow is the way. Decisions are kept by each record's source and id, so they outlive re-imports.`,
    )
    .action(async (_options, command: Command) => {
      const { reviewCommand } = await import("./commands/review.js");
      await reviewCommand(command.optsWithGlobals(), context);
    });

  program
    .command("merge")
    .description("build or refresh one golden customer per dedupe cluster (survivorship rules, completion, stable ids)")
    .option("--dry-run", "show what would be created, changed and merged; write nothing")
    .option("--full", "re-plan every cluster, not only those that changed since the last merge run")
    .addHelpText(
      "after",
      `
Examples:
  $ roster dedupe && roster merge             customers from the latest clusters
  $ roster merge --dry-run                    what would be created, updated, merged and retired
  $ roster merge --full                       re-plan every cluster (a run re-plans only what changed)
  $ roster --json merge > merge.json          counts, aliases and retired ids as one JSON object
  $ roster export --provenance --format jsonl  the customers, each field with the record and rule it came from

Survivorship rules per field and the source order come from roster.yml's merge: section. A customer keeps its
id when records join or leave it; when two customers become one, the older id survives and the other resolves
to it (customer_aliases). Refused (exit 2) before the first dedupe, and when records are newer than the last
dedupe run.`,
    )
    .action(async (_options, command: Command) => {
      const { mergeCommand } = await import("./commands/merge.js");
      await mergeCommand(command.optsWithGlobals(), context);
    });

  program
    .command("unmerge")
    .description("split a customer back into its records (or take one out): marks the pairs different people, then dedupes and merges")
    .argument("<customer-id>", "the customer's id, or an alias of it (an id that was merged into it)")
    .option("--record <id>", "take only this record out (a record id or source:source_id); the others stay together if they match")
    .option("--dry-run", "list the decisions that would be written; write nothing, run nothing")
    .addHelpText(
      "after",
      `
Examples:
  $ roster unmerge 17                          every record of customer 17 its own customer again
  $ roster unmerge 17 --record shop:88         take the shop's record 88 out of customer 17
  $ roster unmerge 17 --dry-run                the pairs that would be decided different people
  $ roster --json unmerge 17 > unmerge.json

The pairs are written as people's decisions (different people), which every later dedupe follows, so a later
import, dedupe and merge does not join them again; then dedupe and merge run on the store, as roster dedupe &&
roster merge would. The part holding most of the customer's records keeps its id (a tie: the part with the
smallest record id); the others get new ids. Killed before the split, the decisions are kept: roster dedupe &&
roster merge complete it. Records are never deleted. Exit 2: unknown or retired customer, a record not one of
its records; a customer with one record has nothing to split (exit 0, nothing written).`,
    )
    .action(async (customer: string, _options, command: Command) => {
      const { unmergeCommand } = await import("./commands/unmerge.js");
      await unmergeCommand(customer, command.optsWithGlobals(), context);
    });

  program
    .command("export")
    .description("write customers, records, rejects, findings or pairs as CSV, TSV, JSON or JSON Lines (stdout or a file)")
    .argument("[what]", "customers (default) | records | rejects | findings | pairs")
    .addOption(
      new Option("--format <format>", "output format (default: from -o's extension, else csv)").choices(["csv", "tsv", "json", "jsonl"]),
    )
    .option("-o, --out <file>", "write here (atomically, mode 0600) instead of stdout; - for stdout")
    .option("--fields <a,b,c>", "columns to write, in this order (records: attr.NAME for one attribute)")
    .option(
      "--where <filter>",
      "FIELD=VALUE, FIELD!=VALUE, source=S, changed>=DATE, cluster_size>=N, findings (repeatable: all must hold)",
      collect,
    )
    .option(
      "--since <run>",
      "only what changed after a run: customers after merge run RUN, records/rejects/findings of batches after batch RUN",
    )
    .option("--provenance", "customers: add the provenance column (which record and rule gave each field)")
    .option("--require-consent", "customers: only those whose marketing_consent is affirmative (stderr says how many were left out)")
    .option("--mask <fields>", "partial masks, such as j***@example.com, +86 138****8000, 1101**********1234")
    .option("--pseudonymize <fields>", "replace by HMAC-SHA256 (hex) keyed from --key-env")
    .option("--key-env <VAR>", "the environment variable holding the --pseudonymize key")
    .option("--excel", "for Excel: UTF-8 with a byte order mark and CRLF line ends")
    .option("--encoding <name>", "utf-8 (default) or gbk (a character GBK lacks is an error naming row and field)")
    .addHelpText(
      "after",
      `
Examples:
  $ roster export -o customers.csv                          golden customers, every canonical field
  $ roster export records --format jsonl --where source=crm
  $ roster export --where country=CN --where 'changed>=2026-11-01' --fields id,full_name,email
  $ roster export --require-consent --mask email,phone -o mailing.csv
  $ ROSTER_KEY=... roster export records --pseudonymize email,phone --key-env ROSTER_KEY -o shared.jsonl
  $ roster export --excel --encoding gbk -o 客户.csv           for Chinese Excel
  $ roster export records --since 12 > new-records.csv       records of batches imported after batch 12
  $ roster export findings --where severity=error

Every text cell that starts with = + - @ TAB CR LF or NUL gets a leading apostrophe (spreadsheet formula
injection); plain numbers stay as written. Exit codes: 0 done (a closed pipe too), 2 bad flags or filters, a
missing key, a character GBK lacks; 4 store unavailable.`,
    )
    .action(async (what: string | undefined, _options, command: Command) => {
      const { exportCommand } = await import("./commands/export.js");
      await exportCommand(what, command.optsWithGlobals(), context);
    });

  addReadingOptions(
    program
      .command("report")
      .description(
        "a data-quality scorecard of the store (or of files): completeness, validity, formats, freshness, duplicates, customers, trend",
      )
      .argument("[file...]", "files to report on straight (- for stdin), nothing written; without files, the store")
      .addOption(new Option("--format <format>", "report format (default: text)").choices(["text", "json", "markdown", "html"]))
      .option("-o, --out <file>", "write the report here instead of stdout (written whether the gates pass or not)")
      .option("--by <FIELD[,FIELD]>", "also break the golden customers down by these fields or attributes together (repeatable)", collect)
      .option("--fail-under <METRIC=N>", "exit 1 when METRIC is below N, e.g. completeness.email=95 (repeatable)", collect)
      .option("--fail-over <METRIC=N>", "exit 1 when METRIC is above N, e.g. duplicates.rate=5 (repeatable)", collect)
      .option("--no-record", "store: do not write this report's metrics as a runs row (the trend)"),
    "--input-format",
    "with files: the rows' source name (default: the file name without extension)",
  )
    .addHelpText(
      "after",
      `
Examples:
  $ roster report                                         the store's scorecard on the terminal
  $ roster report --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ roster report --format html -o report.html
  $ roster report --by country,age_band --by vip_level    customers by combinations of fields or attributes
  $ roster report --fail-under completeness.email=95 --fail-over duplicates.rate=5
  $ roster report crm.csv shop.jsonl                      files straight: no store, nothing written
  $ roster report --no-record --format json > report.json

Every store report writes one runs row with its metrics (unless --no-record); the report shows the trend of the
last runs. Gates also come from roster.yml's report.checks. Exit 1 when a gate fails, 2 for an unknown metric.`,
    )
    .action(async (files: string[], _options, command: Command) => {
      const { reportCommand } = await import("./commands/report.js");
      await reportCommand(files, command.optsWithGlobals(), context);
    });
  return program;
}
