/**
 * Store schema, as migrations keyed on PRAGMA user_version (DESIGN.md §4). Each entry moves the schema from
 * version i to i+1; later issues append entries, never edit shipped ones. An entry is SQL, or a function for a
 * change SQL cannot say in place (a CHECK constraint: the table is rebuilt from its own schema text).
 * Migrations run in one transaction with foreign keys off, checked before the commit (src/store/open.ts).
 */
import type Database from "better-sqlite3";

export type Migration = string | ((db: Database.Database) => void);

export const MIGRATIONS: readonly Migration[] = [
  // 1: import (issue #2)
  `
  CREATE TABLE batches (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    path            TEXT NOT NULL,           -- absolute path, or '-' for stdin
    sha256          TEXT,                    -- of the file's bytes
    format          TEXT NOT NULL,           -- csv | tsv | json | jsonl
    encoding        TEXT NOT NULL,
    delimiter       TEXT,
    status          TEXT NOT NULL CHECK (status IN ('importing', 'complete', 'duplicate')),
    duplicate_of    INTEGER REFERENCES batches(id),
    mapping         TEXT,                    -- JSON: column -> canonical field
    pid             INTEGER NOT NULL,        -- the importing process, to recognise an abandoned batch
    host            TEXT NOT NULL,
    first_record_id INTEGER,                 -- lets a rollback find the batch's records by primary key range
    heartbeat_at    TEXT,                    -- refreshed while importing: a batch from another host gone quiet was abandoned
    imported_at     TEXT NOT NULL,
    finished_at     TEXT,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    rows_new        INTEGER NOT NULL DEFAULT 0,
    rows_changed    INTEGER NOT NULL DEFAULT 0,
    rows_unchanged  INTEGER NOT NULL DEFAULT 0,
    rows_rejected   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX batches_by_sha ON batches(sha256);

  CREATE TABLE records (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES batches(id),
    source            TEXT NOT NULL,
    source_id         TEXT,
    record_key        TEXT NOT NULL,         -- source_id, or '#' + sha1(raw) when the row has no id
    line              INTEGER NOT NULL,
    raw               TEXT NOT NULL,         -- the source row verbatim, as JSON; a re-import compares it
    given_name        TEXT,
    family_name       TEXT,
    full_name         TEXT,
    email             TEXT,
    phone             TEXT,
    birth_date        TEXT,
    company           TEXT,
    address_line1     TEXT,
    address_line2     TEXT,
    city              TEXT,
    region            TEXT,
    postal_code       TEXT,
    country           TEXT,
    national_id       TEXT,
    marketing_consent TEXT,
    created_at        TEXT,
    updated_at        TEXT,
    attributes        TEXT,                  -- JSON: every unmapped column
    supersedes        INTEGER,               -- the current row this version replaces (linked when its batch completes)
    superseded_by     INTEGER,               -- the newer version of this row, set when that version's batch completes
    cluster_id        INTEGER,
    customer_id       INTEGER
  );
  CREATE INDEX records_by_key ON records(source, record_key);

  CREATE TABLE rejects (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    line     INTEGER NOT NULL,
    raw      TEXT NOT NULL,
    reason   TEXT NOT NULL
  );
  CREATE INDEX rejects_by_batch ON rejects(batch_id);

  CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT,
    host    TEXT,
    command TEXT NOT NULL,
    args    TEXT NOT NULL,                   -- JSON array of the arguments
    outcome TEXT NOT NULL,                   -- ok | failed
    details TEXT                             -- JSON summary
  );

  -- What later stages read: rows of finished imports, latest version only.
  CREATE VIEW current_records AS
    SELECT r.* FROM records r JOIN batches b ON b.id = r.batch_id
    WHERE b.status = 'complete' AND r.superseded_by IS NULL;
  `,
  // 2: normalize (issue #3): match keys and parts kept apart, and findings (shared with validate).
  // The keys live in their own table: adding ~130 bytes to every records row made normalize's UPDATE split
  // pages across the whole table (1.0 s → 2.9 s per million rows in sqlite3 itself).
  `
  CREATE TABLE record_keys (
    record_id     INTEGER PRIMARY KEY REFERENCES records(id),
    phone_ext     TEXT,
    name_title    TEXT,
    name_suffix   TEXT,
    name_han      TEXT,                  -- simplified-Chinese form of a Chinese name
    name_key      TEXT,                  -- pinyin / folded Latin name tokens, sorted
    email_key     TEXT,                  -- gmail dots and +tags dropped
    address_key   TEXT,                  -- abbreviations expanded
    normalized_at TEXT NOT NULL
  );

  -- Readers see one row per current record with its keys (NULL before normalize).
  DROP VIEW current_records;
  CREATE VIEW current_records AS
    SELECT r.*, k.phone_ext, k.name_title, k.name_suffix, k.name_han, k.name_key, k.email_key, k.address_key, k.normalized_at
    FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
    WHERE b.status = 'complete' AND r.superseded_by IS NULL;
  -- JSON {"dayFirst": n, "monthFirst": n}: slash dates in the batch whose first (or second) part is over 12,
  -- counted by import so normalize can decide a source's day/month order without re-reading every row.
  ALTER TABLE batches ADD COLUMN date_evidence TEXT;

  CREATE TABLE findings (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES records(id),
    stage      TEXT NOT NULL,                  -- normalize | validate: each stage replaces only its own
    field      TEXT NOT NULL,
    rule       TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    message    TEXT NOT NULL,
    suggestion TEXT
  );
  CREATE INDEX findings_by_record ON findings(record_id, stage);
  `,
  // 3: redo and remove batches (issue #8). A re-import of the same bytes read differently replaces the batch
  // (status 'replaced', linked both ways); removing a batch splices its rows out of their version chains, which
  // the two partial indexes find without a scan (they hold only rows that have a neighbour).
  (db) => {
    // AUTOINCREMENT: a removed batch's id is never given to a later import, so audit_log lines stay unambiguous.
    rebuildTable(db, "batches", (sql) =>
      sql
        .replace("'duplicate'))", "'duplicate', 'replaced'))")
        .replace(/\bid(\s+)INTEGER PRIMARY KEY,/, "id$1INTEGER PRIMARY KEY AUTOINCREMENT,"),
    );
    db.exec(`
      ALTER TABLE batches ADD COLUMN replaces INTEGER REFERENCES batches(id);      -- the batch this re-read replaced
      ALTER TABLE batches ADD COLUMN replaced_by INTEGER REFERENCES batches(id);   -- set when the re-read completes
      CREATE INDEX records_by_successor ON records(superseded_by) WHERE superseded_by IS NOT NULL;
      CREATE INDEX records_by_predecessor ON records(supersedes) WHERE supersedes IS NOT NULL;
    `);
  },
  // 4: the keys in one JSON column (issue #8): a key added to src/model/keys.ts needs no migration of its own.
  // The view keeps a column for each key analysts used so far; `keys` holds them all.
  `
  CREATE TABLE record_keys_3 (
    record_id     INTEGER PRIMARY KEY REFERENCES records(id),
    keys          TEXT NOT NULL,         -- JSON object, key name -> value (src/model/keys.ts); empty keys left out
    normalized_at TEXT NOT NULL
  );
  INSERT INTO record_keys_3 (record_id, keys, normalized_at)
    SELECT record_id, (SELECT json_group_object(name, value) FROM (
      SELECT 'phone_ext' AS name, phone_ext AS value
      UNION ALL SELECT 'name_title', name_title
      UNION ALL SELECT 'name_suffix', name_suffix
      UNION ALL SELECT 'name_han', name_han
      UNION ALL SELECT 'name_key', name_key
      UNION ALL SELECT 'email_key', email_key
      UNION ALL SELECT 'address_key', address_key) WHERE value IS NOT NULL), normalized_at
    FROM record_keys;
  DROP VIEW current_records;
  DROP TABLE record_keys;
  ALTER TABLE record_keys_3 RENAME TO record_keys;
  CREATE VIEW current_records AS
    SELECT r.*, k.keys,
           json_extract(k.keys, '$.phone_ext') AS phone_ext,
           json_extract(k.keys, '$.name_title') AS name_title,
           json_extract(k.keys, '$.name_suffix') AS name_suffix,
           json_extract(k.keys, '$.name_han') AS name_han,
           json_extract(k.keys, '$.name_key') AS name_key,
           json_extract(k.keys, '$.email_key') AS email_key,
           json_extract(k.keys, '$.address_key') AS address_key,
           k.normalized_at
    FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
    WHERE b.status = 'complete' AND r.superseded_by IS NULL;
  `,
  // 5: dedupe (issue #9): trained models, scored pairs, what each record looked like when it was last scored.
  `
  CREATE TABLE dedupe_models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trained_at  TEXT NOT NULL,
    records     INTEGER NOT NULL,          -- records it was trained on
    model       TEXT NOT NULL              -- JSON (src/stages/dedupe/model.ts): prior, m, u, weights, term frequencies
  );
  CREATE TABLE dedupe_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id    INTEGER NOT NULL REFERENCES dedupe_models(id),
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    settings    TEXT NOT NULL,             -- JSON: {model: comparisons, rules, block limit, seed (a change retrains), thresholds}
    summary     TEXT NOT NULL              -- JSON: counts per rule, matches, clusters, seconds per phase
  );
  -- One row per scored candidate pair at or above the review threshold; record_a < record_b.
  CREATE TABLE pairs (
    record_a          INTEGER NOT NULL REFERENCES records(id),
    record_b          INTEGER NOT NULL REFERENCES records(id),
    match_weight      REAL NOT NULL,
    match_probability REAL NOT NULL,
    blocking_rule     TEXT NOT NULL,       -- the first rule that found the pair
    explanation       TEXT NOT NULL,       -- JSON: comparison -> [level index, weight with its tf adjustment]; null levels left out
    decision          TEXT NOT NULL CHECK (decision IN ('match', 'review')),
    model_id          INTEGER NOT NULL REFERENCES dedupe_models(id),
    PRIMARY KEY (record_a, record_b)
  ) WITHOUT ROWID;
  CREATE INDEX pairs_by_b ON pairs(record_b);
  CREATE TABLE dedupe_records (
    record_id   INTEGER PRIMARY KEY REFERENCES records(id),
    fingerprint INTEGER NOT NULL           -- hash of the values dedupe compares: a changed record is scored again
  );
  `,
  // 6: incremental dedupe (issue #9). A record's cluster moves from records to dedupe_records: setting
  // records.cluster_id rewrites the whole wide row (raw JSON and every field), 13 of a full run's 60 seconds on a
  // million records, where a narrow row beside the fingerprint costs about one; current_records still shows
  // cluster_id. dedupe_index keeps what an incremental run needs to touch only the records near new ones.
  `
  CREATE TABLE dedupe_index (
    name   TEXT PRIMARY KEY,               -- record_ids | cluster_ids | decisions | rule:<blocking rule name>
    run_id INTEGER NOT NULL REFERENCES dedupe_runs(id),
    data   BLOB NOT NULL                   -- per record in id order: ids, cluster ids (float64), key hashes (uint32)
  );
  -- When the run began reading records, after normalizing the store first: the next run looks again at what
  -- normalize wrote since (started_at, before that, bounds the batches that may hold records not normalized).
  ALTER TABLE dedupe_runs ADD COLUMN read_at TEXT;
  ALTER TABLE dedupe_records ADD COLUMN cluster_id INTEGER;
  UPDATE dedupe_records SET cluster_id = (SELECT cluster_id FROM records WHERE records.id = dedupe_records.record_id);
  DROP VIEW current_records;
  ALTER TABLE records DROP COLUMN cluster_id;
  CREATE VIEW current_records AS
    SELECT r.*, d.cluster_id, k.keys,
           json_extract(k.keys, '$.phone_ext') AS phone_ext,
           json_extract(k.keys, '$.name_title') AS name_title,
           json_extract(k.keys, '$.name_suffix') AS name_suffix,
           json_extract(k.keys, '$.name_han') AS name_han,
           json_extract(k.keys, '$.name_key') AS name_key,
           json_extract(k.keys, '$.email_key') AS email_key,
           json_extract(k.keys, '$.address_key') AS address_key,
           k.normalized_at
    FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
         LEFT JOIN dedupe_records d ON d.record_id = r.id
    WHERE b.status = 'complete' AND r.superseded_by IS NULL;
  `,
  // 7: people's decisions on pairs (issue #10: review, unmerge), which every later dedupe follows. Keyed by each
  // record's source and record_key, not its id: a decision outlives new versions of the two rows.
  `
  CREATE TABLE pair_decisions (
    source_a   TEXT NOT NULL,
    key_a      TEXT NOT NULL,
    source_b   TEXT NOT NULL,
    key_b      TEXT NOT NULL,             -- (source_a, key_a) < (source_b, key_b)
    decision   TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    origin     TEXT NOT NULL CHECK (origin IN ('review', 'unmerge', 'import')),
    PRIMARY KEY (source_a, key_a, source_b, key_b),
    CHECK (source_a < source_b OR (source_a = source_b AND key_a < key_b))
  ) WITHOUT ROWID;
  `,
  // 8: merge (issue #10): golden customers, the old ids that still resolve, and each record's customer. As with
  // cluster_id in 6, a record's customer lives in a narrow table of its own (customer_records) rather than in
  // records.customer_id, which nothing ever wrote: setting it would rewrite every wide records row.
  // The canonical created_at and updated_at are the customer's own fields (chosen by survivorship), so the row's
  // bookkeeping is first_merged_at / last_changed_at; retired_at marks a customer none of whose records is left
  // (kept, so that its id resolves and is never given to another customer).
  `
  CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,   -- stable across runs (src/stages/merge/plan.ts)
    source_id         TEXT,
    given_name        TEXT,
    family_name       TEXT,
    full_name         TEXT,
    email             TEXT,
    phone             TEXT,
    birth_date        TEXT,
    company           TEXT,
    address_line1     TEXT,
    address_line2     TEXT,
    city              TEXT,
    region            TEXT,
    postal_code       TEXT,
    country           TEXT,
    national_id       TEXT,
    marketing_consent TEXT,
    created_at        TEXT,
    updated_at        TEXT,
    provenance        TEXT NOT NULL,         -- JSON: field -> {record, rule, derived?}; blank fields left out
    first_merged_at   TEXT NOT NULL,
    last_changed_at   TEXT NOT NULL,
    retired_at        TEXT
  );
  -- An id that named a customer whose records joined an older one: it resolves to that customer.
  CREATE TABLE customer_aliases (
    alias_id    INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    created_at  TEXT NOT NULL
  );
  CREATE INDEX customer_aliases_by_customer ON customer_aliases(customer_id);
  CREATE TABLE customer_records (
    record_id   INTEGER PRIMARY KEY REFERENCES records(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id)
  );
  CREATE INDEX customer_records_by_customer ON customer_records(customer_id);
  CREATE TABLE merge_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_run_id INTEGER NOT NULL,        -- the dedupe run whose clusters it merged
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    settings      TEXT NOT NULL,           -- JSON: the survivorship rules and source order used
    counts        TEXT NOT NULL            -- JSON: customers, created, updated, unchanged, moved, aliased, retired, derived
  );
  DROP VIEW current_records;
  ALTER TABLE records DROP COLUMN customer_id;
  CREATE VIEW current_records AS
    SELECT r.*, d.cluster_id, cr.customer_id, k.keys,
           json_extract(k.keys, '$.phone_ext') AS phone_ext,
           json_extract(k.keys, '$.name_title') AS name_title,
           json_extract(k.keys, '$.name_suffix') AS name_suffix,
           json_extract(k.keys, '$.name_han') AS name_han,
           json_extract(k.keys, '$.name_key') AS name_key,
           json_extract(k.keys, '$.email_key') AS email_key,
           json_extract(k.keys, '$.address_key') AS address_key,
           k.normalized_at
    FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
         LEFT JOIN dedupe_records d ON d.record_id = r.id
         LEFT JOIN customer_records cr ON cr.record_id = r.id
    WHERE b.status = 'complete' AND r.superseded_by IS NULL;
  `,
  // 9: report (issue 11): one row per recorded run with its flat metrics, so a report can show the trend. Written
  // by `roster report` (command 'report'); other commands may record theirs later under their own name.
  `
  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    metrics     TEXT NOT NULL,             -- JSON: metric name -> number (QualityReport.metrics)
    counts      TEXT NOT NULL              -- JSON: what the run counted (records, customers, sources)
  );
  CREATE INDEX runs_by_command ON runs(command, id);
  `,
];

/**
 * SQLite's way to change a constraint (https://sqlite.org/lang_altertable.html#otheralter): a new table from
 * the edited schema text, the rows copied, the old one dropped and the new one renamed. Built from the table's
 * own text, so columns other migrations added survive whatever order they run in; views and triggers (which
 * SQLite re-checks on rename) and the table's indexes are dropped and made again from their text.
 */
function rebuildTable(db: Database.Database, table: string, edit: (sql: string) => string): void {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string;
  const edited = edit(sql);
  if (edited === sql) throw new Error(`migration: the schema of ${table} is not the one expected`);
  const dependents = db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY rowid").all() as {
    type: string;
    name: string;
    sql: string;
  }[];
  const indexes = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid")
    .pluck()
    .all(table) as string[];
  for (const { type, name } of dependents.toReversed()) db.exec(`DROP ${type === "view" ? "VIEW" : "TRIGGER"} "${name}"`);
  const temporary = `${table}_rebuilt`;
  db.exec(edited.replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE ${temporary}`));
  db.exec(`INSERT INTO ${temporary} SELECT * FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${temporary} RENAME TO ${table}`);
  for (const index of indexes) db.exec(index);
  for (const { sql: text } of dependents) db.exec(text);
}

export const SCHEMA_VERSION = MIGRATIONS.length;
