-- +goose Up
-- Livelihood projects (民生实事清单): items with a target quantity in a unit of measure, owned by
-- a town, village or community; the leaders who claimed them (带头认领); the progress reports,
-- each adding a quantity, and their photos. What is done is always the sum of the reports in
-- force (superseded = false): no total is stored. Quantities are hundredths of the unit.
CREATE TABLE livelihood_projects (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL,
    measure     TEXT NOT NULL,
    target      INTEGER NOT NULL CHECK (target > 0),
    year        INTEGER NOT NULL,
    deadline    TEXT NOT NULL DEFAULT '',
    closed      INTEGER NOT NULL DEFAULT 0,
    closed_at   TIMESTAMP,
    created_by  INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX livelihood_projects_unit ON livelihood_projects(unit_id, year);
CREATE INDEX livelihood_projects_year ON livelihood_projects(year, id);

CREATE TABLE livelihood_leaders (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES livelihood_projects(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    post        TEXT NOT NULL DEFAULT '',
    claimed_by  INTEGER,
    claimed_by_name TEXT NOT NULL,
    claimed_at  TIMESTAMP NOT NULL,
    UNIQUE (project_id, person_id)
);
CREATE INDEX livelihood_leaders_person ON livelihood_leaders(person_id);

-- Reports are never updated but for superseded, set once when a correction replaces them.
CREATE TABLE livelihood_reports (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES livelihood_projects(id),
    day           TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    note          TEXT NOT NULL DEFAULT '',
    compound_id   INTEGER REFERENCES compounds(id),
    corrects_id   INTEGER UNIQUE REFERENCES livelihood_reports(id),
    superseded    INTEGER NOT NULL DEFAULT 0,
    reporter_id   INTEGER REFERENCES people(id),
    reporter_name TEXT NOT NULL,
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX livelihood_reports_project ON livelihood_reports(project_id, day, id);

CREATE TABLE livelihood_photos (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES livelihood_reports(id),
    project_id   INTEGER NOT NULL REFERENCES livelihood_projects(id),
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
CREATE INDEX livelihood_photos_report ON livelihood_photos(report_id, id);
CREATE INDEX livelihood_photos_project ON livelihood_photos(project_id, id);

-- +goose Down
DROP TABLE livelihood_photos;
DROP TABLE livelihood_reports;
DROP TABLE livelihood_leaders;
DROP TABLE livelihood_projects;
