-- The corpus: one row per copy (URL) in documents, grouped into clusters of reposts.
-- Nothing is ever deleted: a repost joins its original's cluster and keeps its own row.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A cluster keeps `uid` (its exported id) for life, whichever copy is canonical; `version`
-- rises whenever its canonical copy or its set of copies changes. A cluster merged into
-- another keeps its row with size 0 and `merged_into` set: exports deliver it as a tombstone.
CREATE TABLE IF NOT EXISTS clusters (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,    -- 16 hex: the key of the copy that founded it
    canonical   TEXT REFERENCES documents(key),  -- the canonical copy
    size        INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 0,
    merged_into INTEGER REFERENCES clusters(id),
    updated_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE, -- 16 hex digits of sha1(url)
    url             TEXT NOT NULL UNIQUE,
    cluster_id      INTEGER NOT NULL REFERENCES clusters(id),
    exact_hash      TEXT NOT NULL,        -- sha1 of the hash view
    title           TEXT NOT NULL,
    text            TEXT NOT NULL,
    published       TEXT,
    fetched         TEXT,
    outlet          TEXT,
    origin          TEXT,
    original_title  TEXT,
    authors         TEXT NOT NULL,        -- JSON array
    editor          TEXT,
    provinces       TEXT NOT NULL,        -- JSON array
    recipients      TEXT NOT NULL,        -- JSON array
    topic_score     REAL NOT NULL,
    topic_terms     TEXT NOT NULL,        -- JSON array
    encoding        TEXT NOT NULL,
    encoding_reason TEXT NOT NULL,
    damage          REAL NOT NULL,
    site            TEXT,
    repost_of       TEXT,                 -- documents.key matched at ingest, if any
    similarity      REAL,
    source          TEXT NOT NULL,        -- WARC or file it came from
    ingested_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents(cluster_id);
CREATE INDEX IF NOT EXISTS documents_exact ON documents(exact_hash);

CREATE TABLE IF NOT EXISTS links (
    a        TEXT NOT NULL REFERENCES documents(key),  -- the earlier report (published first)
    b        TEXT NOT NULL REFERENCES documents(key),  -- the later report; figures read a -> b
    kind     TEXT NOT NULL,               -- shared-passages | same-template
    passages TEXT NOT NULL,               -- JSON array
    figures  TEXT NOT NULL,               -- JSON array
    PRIMARY KEY (a, b, kind)
);

CREATE TABLE IF NOT EXISTS figures (
    doc    TEXT NOT NULL REFERENCES documents(key),
    value  TEXT NOT NULL,                 -- as written: "7000余", "1.2"
    amount REAL NOT NULL,                 -- the number, for sorting and comparing
    unit   TEXT NOT NULL,
    phrase TEXT NOT NULL,
    text   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc);

-- Pages that gave no document, with the reason (counted by `aidcorpus stats`).
CREATE TABLE IF NOT EXISTS dropped (
    url    TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    source TEXT NOT NULL,
    at     TEXT NOT NULL
);

-- Input files fully ingested, by content hash: the same file again is skipped.
CREATE TABLE IF NOT EXISTS sources (
    sha1        TEXT PRIMARY KEY,
    path        TEXT NOT NULL,
    pages       INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);

-- What each export destination holds, mirrored from the state file in the destination
-- (the folder's record is the truth; see docs/EXPORT.md). One row per delivered cluster id.
CREATE TABLE IF NOT EXISTS exports (
    dest_id     TEXT NOT NULL,            -- the destination's id, from its state file
    dest        TEXT NOT NULL,            -- where it was last seen (informational)
    format      TEXT NOT NULL,
    uid         TEXT NOT NULL,            -- clusters.uid
    version     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,         -- 1: delivered as a tombstone
    number      INTEGER,                  -- txt layout: NNN of the latest file
    file        TEXT,
    exported_at TEXT NOT NULL,
    PRIMARY KEY (dest_id, uid)
);
