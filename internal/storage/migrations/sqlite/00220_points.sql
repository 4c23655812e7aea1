-- +goose Up
-- Points (积分制) and the horse race (赛马). A catalogue of rules per kind of target (branch
-- secretary, party member, service team) belongs to a town or a county and applies to the
-- targets under it (the nearest one wins). Entries are the only record of points: every total is
-- a sum of approved entries, none is stored. An approved entry is never changed; a correction is
-- a new entry. Automatic entries name their source, made once each (points_entries_source).
CREATE TABLE points_catalogues (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    name        TEXT NOT NULL,
    ratios      TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (unit_id, target_kind)
);
CREATE INDEX points_catalogues_path ON points_catalogues(unit_path);

-- A rule is never deleted (entries point at it); it is switched off. Its version counts its edits,
-- and each entry keeps the version it was made under.
CREATE TABLE points_rules (
    id           INTEGER PRIMARY KEY,
    catalogue_id INTEGER NOT NULL REFERENCES points_catalogues(id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    dimension    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    points       INTEGER NOT NULL,
    cap          INTEGER NOT NULL DEFAULT 0,
    period       TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    enabled      INTEGER NOT NULL DEFAULT 1,
    weight       INTEGER NOT NULL DEFAULT 100,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (catalogue_id, code)
);

-- target_id names a person (secretaries, members) or a service team (service_teams), so it has
-- no foreign key; unit_path is the target's unit when entered, for scope.
CREATE TABLE points_entries (
    id            INTEGER PRIMARY KEY,
    catalogue_id  INTEGER NOT NULL REFERENCES points_catalogues(id),
    rule_id       INTEGER NOT NULL REFERENCES points_rules(id),
    rule_version  INTEGER NOT NULL,
    target_kind   TEXT NOT NULL,
    target_id     INTEGER NOT NULL,
    target_name   TEXT NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT NOT NULL,
    points        INTEGER NOT NULL,
    occurred_on   TEXT NOT NULL,
    period_key    TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    corrects_id   INTEGER REFERENCES points_entries(id),
    source_kind   TEXT NOT NULL DEFAULT '',
    source_id     INTEGER NOT NULL DEFAULT 0,
    source_label  TEXT NOT NULL DEFAULT '',
    entered_by    INTEGER REFERENCES users(id),
    entered_name  TEXT NOT NULL,
    approved_by   INTEGER REFERENCES users(id),
    approver_name TEXT NOT NULL DEFAULT '',
    approved_at   TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX points_entries_source ON points_entries(rule_id, source_kind, source_id, target_kind, target_id) WHERE source_kind <> '';
CREATE INDEX points_entries_unit ON points_entries(unit_path, occurred_on);
CREATE INDEX points_entries_target ON points_entries(target_kind, target_id, occurred_on);
CREATE INDEX points_entries_cap ON points_entries(rule_id, period_key, target_id);
CREATE INDEX points_entries_status ON points_entries(status, unit_path);

-- The X grade, set by hand for a serious failure in a period.
CREATE TABLE points_grades (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    period_key  TEXT NOT NULL,
    grade       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    set_by      INTEGER REFERENCES users(id),
    set_name    TEXT NOT NULL,
    set_at      TIMESTAMP NOT NULL,
    UNIQUE (target_kind, target_id, period_key)
);

-- How far the automatic-entries job has read each source.
CREATE TABLE points_marks (
    source     TEXT PRIMARY KEY,
    last_id    INTEGER NOT NULL DEFAULT 0,
    last_at    TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE points_marks;
DROP TABLE points_grades;
DROP TABLE points_entries;
DROP TABLE points_rules;
DROP TABLE points_catalogues;
