-- +goose Up
-- The admonitory-talk rule (约谈) and the party's annual review of members (民主评议党员).
--
-- The talk list itself is not stored: who is due a talk is computed from the closed rounds'
-- results whenever it is read (internal/talks.Evaluate), so it can never go stale. What is
-- stored is what people record: each town's (or county's) rule settings, the talks held with
-- their follow-ups, and each branch's annual review.
CREATE TABLE talk_rules (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL UNIQUE REFERENCES units(id),
    unit_path       TEXT NOT NULL,
    threshold       INTEGER NOT NULL,
    rounds          INTEGER NOT NULL,
    excellent_share INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      INTEGER,
    updated_at      TIMESTAMP NOT NULL
);

-- A talk with a member (person_id) or a team (team_id). unit: the target's unit when the talk
-- was held; committee: the town (or county) whose committee held it. last_round_id: the latest
-- round the talk settles (one talk per target and streak).
CREATE TABLE talks (
    id             INTEGER PRIMARY KEY,
    target_kind    TEXT NOT NULL,
    person_id      INTEGER REFERENCES people(id),
    team_id        INTEGER REFERENCES service_teams(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    unit_path      TEXT NOT NULL,
    committee_id   INTEGER NOT NULL REFERENCES units(id),
    committee_path TEXT NOT NULL,
    last_round_id  INTEGER NOT NULL REFERENCES eval_rounds(id),
    talked_by      TEXT NOT NULL,
    talked_post    TEXT NOT NULL,
    talked_on      TEXT NOT NULL,
    content        TEXT NOT NULL,
    plan           TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_by     INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX talks_committee ON talks(committee_path, talked_on);
CREATE INDEX talks_unit ON talks(unit_path);
CREATE UNIQUE INDEX talks_person_round ON talks(person_id, last_round_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX talks_team_round ON talks(team_id, last_round_id) WHERE team_id IS NOT NULL;

-- The rounds a talk was held for (the streak that made it due).
CREATE TABLE talk_rounds (
    talk_id  INTEGER NOT NULL REFERENCES talks(id),
    round_id INTEGER NOT NULL REFERENCES eval_rounds(id),
    PRIMARY KEY (talk_id, round_id)
);

-- Follow-ups after a talk: append-only.
CREATE TABLE talk_followups (
    id         INTEGER PRIMARY KEY,
    talk_id    INTEGER NOT NULL REFERENCES talks(id),
    on_date    TEXT NOT NULL,
    note       TEXT NOT NULL,
    user_id    INTEGER,
    actor_name TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX talk_followups_talk ON talk_followups(talk_id, id);

-- A branch's annual review for a year; excellent_share is fixed when it is opened.
CREATE TABLE annual_reviews (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    unit_path       TEXT NOT NULL,
    excellent_share INTEGER NOT NULL,
    created_by      INTEGER,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (unit_id, year)
);
CREATE INDEX annual_reviews_unit ON annual_reviews(unit_path, year);

-- One member's entry: self review, mutual review score (-1: not entered), the democratic
-- poll's votes per grade, and the grade the branch decided ('' while undecided).
CREATE TABLE annual_review_entries (
    id               INTEGER PRIMARY KEY,
    review_id        INTEGER NOT NULL REFERENCES annual_reviews(id),
    person_id        INTEGER NOT NULL REFERENCES people(id),
    self_review      TEXT NOT NULL DEFAULT '',
    mutual_score     INTEGER NOT NULL DEFAULT -1,
    poll_excellent   INTEGER NOT NULL DEFAULT 0,
    poll_qualified   INTEGER NOT NULL DEFAULT 0,
    poll_basic       INTEGER NOT NULL DEFAULT 0,
    poll_unqualified INTEGER NOT NULL DEFAULT 0,
    grade            TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMP,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (review_id, person_id)
);
CREATE INDEX annual_review_entries_person ON annual_review_entries(person_id);

-- +goose Down
DROP TABLE annual_review_entries;
DROP TABLE annual_reviews;
DROP TABLE talk_followups;
DROP TABLE talk_rounds;
DROP TABLE talks;
DROP TABLE talk_rules;
