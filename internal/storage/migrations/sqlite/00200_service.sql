-- +goose Up
-- Volunteer service (志愿服务): teams and party vanguard service teams, their members, the
-- volunteers' register, the projects a team offers, activities with check-in by code, the
-- participants' hours, and the approved-hours ledger. Totals are always sums over service_hours:
-- rows there are never updated; a correction is a new row (negative or positive centihours).
CREATE TABLE service_teams (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    unit_path        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    leader_person_id INTEGER REFERENCES people(id),
    description      TEXT NOT NULL DEFAULT '',
    active           INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX service_teams_unit ON service_teams(unit_path, name);
CREATE INDEX service_teams_leader ON service_teams(leader_person_id);

CREATE TABLE service_team_members (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES service_teams(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL DEFAULT 'member',
    joined_on  TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (team_id, person_id)
);
CREATE INDEX service_team_members_person ON service_team_members(person_id);

-- The volunteers' register: a person, where they are registered, and their categories
-- (comma-separated: party_member, youth, women, veteran, resident, ...).
CREATE TABLE volunteers (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL UNIQUE REFERENCES people(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT NOT NULL,
    categories    TEXT NOT NULL DEFAULT '',
    registered_on TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX volunteers_unit ON volunteers(unit_path);

CREATE TABLE service_projects (
    id           INTEGER PRIMARY KEY,
    team_id      INTEGER NOT NULL REFERENCES service_teams(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_path    TEXT NOT NULL,
    name         TEXT NOT NULL,
    beneficiary  TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX service_projects_team ON service_projects(team_id, name);
CREATE INDEX service_projects_unit ON service_projects(unit_path);

-- status: planned → open (check-in running) → closed → approved; planned/open → cancelled.
-- Residents' rating as counts of satisfied / basically satisfied / dissatisfied responses.
CREATE TABLE service_activities (
    id                  INTEGER PRIMARY KEY,
    team_id             INTEGER NOT NULL REFERENCES service_teams(id),
    project_id          INTEGER REFERENCES service_projects(id),
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    unit_path           TEXT NOT NULL,
    title               TEXT NOT NULL,
    service_date        TEXT NOT NULL,
    starts_at           TEXT NOT NULL DEFAULT '',
    ends_at             TEXT NOT NULL DEFAULT '',
    place               TEXT NOT NULL DEFAULT '',
    content             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    checkin_token       TEXT NOT NULL UNIQUE,
    rating_satisfied    INTEGER NOT NULL DEFAULT 0,
    rating_basic        INTEGER NOT NULL DEFAULT 0,
    rating_dissatisfied INTEGER NOT NULL DEFAULT 0,
    organizer_user_id   INTEGER,
    organizer_name      TEXT NOT NULL DEFAULT '',
    closed_at           TIMESTAMP,
    approved_by         INTEGER,
    approver_name       TEXT NOT NULL DEFAULT '',
    approved_at         TIMESTAMP,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX service_activities_unit ON service_activities(unit_path, service_date);
CREATE INDEX service_activities_team ON service_activities(team_id, service_date);
CREATE INDEX service_activities_status ON service_activities(status, service_date);

CREATE TABLE service_activity_photos (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES service_activities(id),
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
CREATE INDEX service_activity_photos_activity ON service_activity_photos(activity_id, id);

-- A participant's attendance and hours before approval (editable by the organizer until then).
CREATE TABLE service_participants (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES service_activities(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    source      TEXT NOT NULL,
    checkin_at  TIMESTAMP,
    checkout_at TIMESTAMP,
    centihours  INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (activity_id, person_id)
);
CREATE INDEX service_participants_person ON service_participants(person_id);

-- The approved-hours ledger. kind 'approval' (one per participant, written when the activity is
-- approved) or 'correction' (an accepted correction: the difference, may be negative).
CREATE TABLE service_hours (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    team_id        INTEGER NOT NULL REFERENCES service_teams(id),
    activity_id    INTEGER NOT NULL REFERENCES service_activities(id),
    participant_id INTEGER NOT NULL REFERENCES service_participants(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    unit_path      TEXT NOT NULL,
    service_date   TEXT NOT NULL,
    year           INTEGER NOT NULL,
    quarter        INTEGER NOT NULL,
    centihours     INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    correction_id  INTEGER,
    approved_by    INTEGER,
    approver_name  TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX service_hours_approval ON service_hours(participant_id) WHERE kind = 'approval';
CREATE INDEX service_hours_person ON service_hours(person_id, year);
CREATE INDEX service_hours_team ON service_hours(team_id, year, quarter);
CREATE INDEX service_hours_unit ON service_hours(unit_path, service_date);
CREATE INDEX service_hours_activity ON service_hours(activity_id);

-- A volunteer's request to correct approved hours; the organizer accepts (a new ledger row) or declines.
CREATE TABLE service_corrections (
    id                INTEGER PRIMARY KEY,
    activity_id       INTEGER NOT NULL REFERENCES service_activities(id),
    participant_id    INTEGER NOT NULL REFERENCES service_participants(id),
    person_id         INTEGER NOT NULL REFERENCES people(id),
    unit_path         TEXT NOT NULL,
    current_centihours INTEGER NOT NULL,
    wanted_centihours INTEGER NOT NULL,
    reason            TEXT NOT NULL,
    status            TEXT NOT NULL,
    requested_by      INTEGER,
    decided_by        INTEGER,
    decider_name      TEXT NOT NULL DEFAULT '',
    decided_at        TIMESTAMP,
    decision_note     TEXT NOT NULL DEFAULT '',
    hours_id          INTEGER REFERENCES service_hours(id),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX service_corrections_activity ON service_corrections(activity_id, id);
CREATE INDEX service_corrections_person ON service_corrections(person_id, id);
CREATE INDEX service_corrections_unit ON service_corrections(unit_path, status);

-- Numbered certificates: the figures as issued (a certificate is a document).
CREATE TABLE service_certificates (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    town_id     INTEGER NOT NULL REFERENCES units(id),
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    person_name TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    centihours  INTEGER NOT NULL,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    content     TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (town_id, year, seq)
);
CREATE INDEX service_certificates_unit ON service_certificates(unit_path, issued_on);
CREATE INDEX service_certificates_person ON service_certificates(person_id);

CREATE TABLE service_certificate_counters (
    town_id INTEGER NOT NULL REFERENCES units(id),
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (town_id, year)
);

-- +goose Down
DROP TABLE service_certificate_counters;
DROP TABLE service_certificates;
DROP TABLE service_corrections;
DROP TABLE service_hours;
DROP TABLE service_participants;
DROP TABLE service_activity_photos;
DROP TABLE service_activities;
DROP TABLE service_projects;
DROP TABLE volunteers;
DROP TABLE service_team_members;
DROP TABLE service_teams;
