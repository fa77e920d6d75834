//! The schema, one migration per entry; entry `i` takes `user_version` from `i` to `i + 1`.
//! Never edit an entry that has shipped: add a new one.

/// Migrations in order.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: articles, approvals, the as-run log, requests for the daemon.
    "
    CREATE TABLE articles (
        id           INTEGER PRIMARY KEY,
        source_name  TEXT NOT NULL,
        source       TEXT NOT NULL,
        script       TEXT NOT NULL,
        hash         TEXT NOT NULL,
        version      INTEGER NOT NULL,
        title        TEXT,
        queue        TEXT NOT NULL,
        valid_from   TEXT,
        valid_until  TEXT,
        priority     TEXT NOT NULL,
        status       TEXT NOT NULL
                     CHECK (status IN ('draft', 'approved', 'rejected', 'withdrawn')),
        created_ms   INTEGER NOT NULL,
        updated_ms   INTEGER NOT NULL
    );
    CREATE TABLE approvals (
        id          INTEGER PRIMARY KEY,
        article_id  INTEGER NOT NULL REFERENCES articles(id),
        version     INTEGER NOT NULL,
        hash        TEXT NOT NULL,
        verdict     TEXT NOT NULL CHECK (verdict IN ('approved', 'rejected')),
        by          TEXT NOT NULL,
        reason      TEXT,
        at_ms       INTEGER NOT NULL
    );
    CREATE INDEX approvals_article ON approvals(article_id);
    CREATE TABLE airings (
        id            INTEGER PRIMARY KEY,
        slot          TEXT NOT NULL,
        scheduled_ms  INTEGER NOT NULL,
        claimed_ms    INTEGER NOT NULL,
        started_ms    INTEGER,
        ended_ms      INTEGER,
        outcome       TEXT NOT NULL CHECK (outcome IN
                      ('claimed', 'airing', 'aired', 'failed', 'missed', 'interrupted', 'skipped')),
        reason        TEXT,
        voice         TEXT,
        duration      REAL,
        lufs          REAL,
        device        TEXT,
        owner         TEXT,
        emergency_by  TEXT,
        UNIQUE (slot, scheduled_ms)
    );
    CREATE TABLE airing_articles (
        airing_id    INTEGER NOT NULL REFERENCES airings(id),
        position     INTEGER NOT NULL,
        article_id   INTEGER NOT NULL REFERENCES articles(id),
        version      INTEGER NOT NULL,
        hash         TEXT NOT NULL,
        approved_by  TEXT,
        PRIMARY KEY (airing_id, position)
    );
    CREATE TABLE requests (
        id            INTEGER PRIMARY KEY,
        article_id    INTEGER NOT NULL REFERENCES articles(id),
        emergency_by  TEXT,
        created_ms    INTEGER NOT NULL,
        taken_ms      INTEGER
    );
    CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    ",
    // 2: each airing's transitions as typed events; the operator of a play-now.
    "
    CREATE TABLE airing_events (
        id         INTEGER PRIMARY KEY,
        airing_id  INTEGER NOT NULL,
        at_ms      INTEGER NOT NULL,
        event      TEXT NOT NULL,
        detail     TEXT
    );
    CREATE INDEX airing_events_by_airing ON airing_events (airing_id, id);
    ALTER TABLE airings ADD COLUMN operator TEXT;
    ALTER TABLE requests ADD COLUMN operator TEXT;
    CREATE INDEX articles_by_queue ON articles (queue, status);
    ",
    // 3: the staff console: accounts, server-side sessions, the audit log, who wrote an
    // article; and an index so the as-run log reads by date without a scan.
    "
    CREATE TABLE console_users (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL,
        password_hash  TEXT NOT NULL,
        disabled       INTEGER NOT NULL DEFAULT 0,
        created_ms     INTEGER NOT NULL
    );
    CREATE TABLE console_sessions (
        token_hash  TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES console_users(id),
        csrf        TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        expires_ms  INTEGER NOT NULL
    );
    CREATE TABLE console_audit (
        id      INTEGER PRIMARY KEY,
        at_ms   INTEGER NOT NULL,
        who     TEXT NOT NULL,
        peer    TEXT NOT NULL,
        action  TEXT NOT NULL,
        detail  TEXT
    );
    CREATE TABLE console_authors (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id),
        user_name   TEXT NOT NULL
    );
    CREATE INDEX airings_by_time ON airings (scheduled_ms);
    ",
    // 4: cut-ins from the console of a station that runs alone: severity, reason, cancel.
    "
    ALTER TABLE requests ADD COLUMN severity TEXT;
    ALTER TABLE requests ADD COLUMN reason TEXT;
    ALTER TABLE requests ADD COLUMN cancelled_ms INTEGER;
    ALTER TABLE requests ADD COLUMN cancelled_by TEXT;
    ",
];
