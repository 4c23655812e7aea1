-- +goose Up
-- Democratic evaluation (民主评议): a town's (or county's) rounds, the party members and service
-- teams rated in each, one-time ballots, the anonymous counts they add up to, and the tallies of
-- paper votes at meetings.
--
-- Secrecy of the vote, by design:
--  * a ballot row holds no voter identity, no IP, and neither the token nor the short code in the
--    clear: only their SHA-256 hashes. A printed sheet is therefore shown once, when it is issued;
--    a lost sheet is not re-printed but voided (its unused ballots) and issued anew.
--  * a submitted ballot leaves NO vote row: its ratings are added to eval_counts (one row per target
--    and dimension, counters only) in the same transaction that marks the ballot used, so no row
--    links an answer to a ballot, its serial number or the moment it was cast. Comments go to
--    eval_comments under a random id, without a time, so their order says nothing either.
--  * submitting a ballot writes no audit entry (the audit log records an IP).
CREATE TABLE eval_rounds (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_path    TEXT NOT NULL,
    name         TEXT NOT NULL,
    period_kind  TEXT NOT NULL DEFAULT 'half',
    period_label TEXT NOT NULL,
    opens_at     TIMESTAMP,
    closes_at    TIMESTAMP,
    dimensions   TEXT NOT NULL DEFAULT 'speed,process,result',
    basic_weight INTEGER NOT NULL DEFAULT 100,
    min_ballots  INTEGER NOT NULL DEFAULT 10,
    status       TEXT NOT NULL DEFAULT 'draft',
    opened_at    TIMESTAMP,
    closed_at    TIMESTAMP,
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX eval_rounds_unit ON eval_rounds(unit_path, period_label);

-- A member or team rated in a round, with the unit they belonged to at the time (so later moves
-- between units do not rewrite history). ballots: online ballots that rated this target.
CREATE TABLE eval_targets (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES eval_rounds(id),
    target_kind TEXT NOT NULL,
    person_id   INTEGER REFERENCES people(id),
    team_id     INTEGER REFERENCES service_teams(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    ballots     INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX eval_targets_round ON eval_targets(round_id, unit_path, position);
CREATE UNIQUE INDEX eval_targets_person ON eval_targets(round_id, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX eval_targets_team ON eval_targets(round_id, team_id) WHERE team_id IS NOT NULL;
CREATE INDEX eval_targets_person_rounds ON eval_targets(person_id);
CREATE INDEX eval_targets_team_rounds ON eval_targets(team_id);

-- One issuing of N ballots for a unit (one printed sheet set).
CREATE TABLE eval_ballot_batches (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES eval_rounds(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    unit_path  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    voided     INTEGER NOT NULL DEFAULT 0,
    issued_by  INTEGER,
    issued_at  TIMESTAMP NOT NULL
);
CREATE INDEX eval_ballot_batches_round ON eval_ballot_batches(round_id, unit_path);

CREATE TABLE eval_ballots (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES eval_rounds(id),
    batch_id   INTEGER NOT NULL REFERENCES eval_ballot_batches(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    unit_path  TEXT NOT NULL,
    serial     INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    code_hash  TEXT NOT NULL UNIQUE,
    voided     INTEGER NOT NULL DEFAULT 0,
    used_at    TIMESTAMP,
    UNIQUE (round_id, unit_id, serial)
);
CREATE INDEX eval_ballots_batch ON eval_ballots(batch_id);

-- Online ratings, as counters only (see the note at the top).
CREATE TABLE eval_counts (
    target_id    INTEGER NOT NULL REFERENCES eval_targets(id),
    dimension    TEXT NOT NULL,
    round_id     INTEGER NOT NULL REFERENCES eval_rounds(id),
    satisfied    INTEGER NOT NULL DEFAULT 0,
    basic        INTEGER NOT NULL DEFAULT 0,
    dissatisfied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (target_id, dimension)
);
CREATE INDEX eval_counts_round ON eval_counts(round_id);

CREATE TABLE eval_comments (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES eval_rounds(id),
    target_id INTEGER NOT NULL REFERENCES eval_targets(id),
    body      TEXT NOT NULL
);
CREATE INDEX eval_comments_target ON eval_comments(target_id, id);

-- A meeting's paper vote for one unit: entered by one official, confirmed by another.
CREATE TABLE eval_tallies (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES eval_rounds(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    unit_path      TEXT NOT NULL,
    ballots_issued INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'entered',
    notes          TEXT NOT NULL DEFAULT '',
    entered_by     INTEGER NOT NULL,
    entered_at     TIMESTAMP NOT NULL,
    confirmed_by   INTEGER,
    confirmed_at   TIMESTAMP,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (round_id, unit_id)
);
CREATE INDEX eval_tallies_unit ON eval_tallies(unit_path);

CREATE TABLE eval_tally_lines (
    tally_id     INTEGER NOT NULL REFERENCES eval_tallies(id),
    target_id    INTEGER NOT NULL REFERENCES eval_targets(id),
    dimension    TEXT NOT NULL,
    satisfied    INTEGER NOT NULL,
    basic        INTEGER NOT NULL,
    dissatisfied INTEGER NOT NULL,
    PRIMARY KEY (tally_id, target_id, dimension)
);
CREATE INDEX eval_tally_lines_target ON eval_tally_lines(target_id);

-- The photo of the tally sheet (re-encoded, without metadata), as case_photos.
CREATE TABLE eval_tally_photos (
    id           INTEGER PRIMARY KEY,
    tally_id     INTEGER NOT NULL REFERENCES eval_tallies(id),
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    data         BLOB NOT NULL,
    thumb        BLOB NOT NULL,
    thumb_width  INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX eval_tally_photos_tally ON eval_tally_photos(tally_id, id);

-- +goose Down
DROP TABLE eval_tally_photos;
DROP TABLE eval_tally_lines;
DROP TABLE eval_tallies;
DROP TABLE eval_comments;
DROP TABLE eval_counts;
DROP TABLE eval_ballots;
DROP TABLE eval_ballot_batches;
DROP TABLE eval_targets;
DROP TABLE eval_rounds;
