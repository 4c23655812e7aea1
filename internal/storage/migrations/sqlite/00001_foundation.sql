-- +goose Up
CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES units(id),
    kind       TEXT NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,
    depth      INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE INDEX units_parent ON units(parent_id, name);

CREATE TABLE compounds (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    name          TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    three_without INTEGER NOT NULL DEFAULT 0,
    red_committee INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX compounds_unit ON compounds(unit_id);

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    compound_id INTEGER REFERENCES compounds(id),
    address     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX households_unit ON households(unit_id);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    household_id    INTEGER REFERENCES households(id),
    relation        TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL,
    birth_date      TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    id_number       TEXT NOT NULL DEFAULT '',
    party_member    INTEGER NOT NULL DEFAULT 0,
    joined_party_on TEXT NOT NULL DEFAULT '',
    categories      TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX people_unit ON people(unit_id, name);
CREATE INDEX people_household ON people(household_id);
CREATE INDEX people_phone ON people(phone);
CREATE UNIQUE INDEX people_id_number ON people(id_number) WHERE id_number <> '';

CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    household_id INTEGER REFERENCES households(id),
    member_id    INTEGER REFERENCES people(id),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX assignments_unit ON assignments(unit_id, kind);
CREATE INDEX assignments_person ON assignments(person_id);
CREATE INDEX assignments_household ON assignments(household_id);
CREATE INDEX assignments_member ON assignments(member_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    person_id     INTEGER REFERENCES people(id),
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT 'zh-CN',
    active        INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    last_login_at TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE role_bindings (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, role, unit_id)
);
CREATE INDEX role_bindings_unit ON role_bindings(unit_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    csrf         TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL DEFAULT 0,
    unit_path   TEXT NOT NULL,
    before_data TEXT NOT NULL DEFAULT '',
    after_data  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_path ON audit_log(unit_path, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE role_bindings;
DROP TABLE users;
DROP TABLE assignments;
DROP TABLE people;
DROP TABLE households;
DROP TABLE compounds;
DROP TABLE units;
