-- +goose Up
-- Inspection campaigns (督导检查, 专项行动): a town's campaign, its areas with their responsible
-- officers, daily inspections, the problems found (each one a rectification case), the
-- re-checks, and the circulars and commendations drawn from them.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    town_id      INTEGER NOT NULL REFERENCES units(id),
    town_path    TEXT NOT NULL,
    name         TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    recheck_days INTEGER NOT NULL DEFAULT 1,
    category_id  INTEGER NOT NULL REFERENCES case_categories(id),
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_town ON campaigns(town_path, starts_on);

CREATE TABLE campaign_areas (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    position    INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    officer_id  INTEGER NOT NULL REFERENCES people(id),
    UNIQUE (campaign_id, unit_id)
);
CREATE INDEX campaign_areas_unit ON campaign_areas(unit_path);
CREATE INDEX campaign_areas_officer ON campaign_areas(officer_id);

CREATE TABLE campaign_inspections (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    area_id      INTEGER NOT NULL REFERENCES campaign_areas(id),
    day          TEXT NOT NULL,
    inspector_id INTEGER REFERENCES people(id),
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (area_id, day)
);
CREATE INDEX campaign_inspections_campaign ON campaign_inspections(campaign_id, day);

CREATE TABLE campaign_problems (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    area_id       INTEGER NOT NULL REFERENCES campaign_areas(id),
    inspection_id INTEGER NOT NULL REFERENCES campaign_inspections(id),
    case_id       INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    found_on      TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    late          INTEGER NOT NULL DEFAULT 0,
    late_on       TEXT NOT NULL DEFAULT '',
    rectified     INTEGER NOT NULL DEFAULT 0,
    rectified_on  TEXT NOT NULL DEFAULT '',
    rechecks      INTEGER NOT NULL DEFAULT 0,
    checked_by    TEXT NOT NULL DEFAULT '',
    checked_at    TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX campaign_problems_campaign ON campaign_problems(campaign_id, area_id);
CREATE INDEX campaign_problems_due ON campaign_problems(campaign_id, rectified, due_on);

-- Every re-check, passed or failed, with who did it: append-only.
CREATE TABLE campaign_checks (
    id         INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES campaign_problems(id),
    day        TEXT NOT NULL,
    passed     INTEGER NOT NULL,
    late       INTEGER NOT NULL,
    user_id    INTEGER,
    actor_name TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX campaign_checks_problem ON campaign_checks(problem_id, id);

CREATE TABLE circulars (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    town_id      INTEGER NOT NULL REFERENCES units(id),
    town_path    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    year         INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL DEFAULT 0,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    deadline     TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    published_by TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX circulars_campaign ON circulars(campaign_id, id);
CREATE UNIQUE INDEX circulars_number ON circulars(town_id, kind, year, seq) WHERE seq > 0;

-- A circular's entries keep the names as drafted: a published circular is a document.
CREATE TABLE circular_items (
    id           INTEGER PRIMARY KEY,
    circular_id  INTEGER NOT NULL REFERENCES circulars(id),
    position     INTEGER NOT NULL,
    area_id      INTEGER NOT NULL REFERENCES campaign_areas(id),
    problem_id   INTEGER REFERENCES campaign_problems(id),
    case_id      INTEGER REFERENCES cases(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_name    TEXT NOT NULL,
    officer_id   INTEGER REFERENCES people(id),
    officer_name TEXT NOT NULL DEFAULT '',
    case_number  TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    found_on     TEXT NOT NULL DEFAULT '',
    due_on       TEXT NOT NULL DEFAULT '',
    late_on      TEXT NOT NULL DEFAULT '',
    found        INTEGER NOT NULL DEFAULT 0,
    rectified    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX circular_items_circular ON circular_items(circular_id, position);
CREATE INDEX circular_items_problem ON circular_items(problem_id);

CREATE TABLE circular_counters (
    town_id INTEGER NOT NULL REFERENCES units(id),
    kind    TEXT NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (town_id, kind, year)
);

-- +goose Down
DROP TABLE circular_counters;
DROP TABLE circular_items;
DROP TABLE circulars;
DROP TABLE campaign_checks;
DROP TABLE campaign_problems;
DROP TABLE campaign_inspections;
DROP TABLE campaign_areas;
DROP TABLE campaigns;
