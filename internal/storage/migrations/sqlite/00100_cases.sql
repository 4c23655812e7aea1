-- +goose Up
CREATE TABLE case_categories (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    list          TEXT NOT NULL,
    accept_days   INTEGER NOT NULL DEFAULT 1,
    days_normal   INTEGER NOT NULL,
    days_urgent   INTEGER NOT NULL,
    days_critical INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Default categories and time limits (working days), after digital city management practice;
-- administrators change them under 工单设置.
INSERT INTO case_categories (code, name, list, accept_days, days_normal, days_urgent, days_critical, active, version, created_at, updated_at) VALUES
    ('road', '道路设施', 'appeal', 1, 5, 3, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('lighting', '路灯照明', 'appeal', 1, 3, 2, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('sanitation', '环境卫生', 'appeal', 1, 3, 2, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('water', '供水排水', 'appeal', 1, 5, 2, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('greening', '绿化养护', 'appeal', 1, 5, 3, 2, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('property', '物业管理', 'appeal', 1, 10, 5, 2, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('dispute', '邻里纠纷', 'appeal', 1, 10, 5, 2, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('elder_care', '养老助残', 'livelihood', 1, 10, 5, 2, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('livelihood', '民生实事', 'livelihood', 2, 20, 10, 5, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('pain_point', '痛点难点', 'pain_point', 2, 30, 15, 5, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('employment', '就业帮扶', 'employment', 2, 15, 10, 5, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('safety', '安全隐患', 'rectification', 1, 1, 1, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('environment', '人居环境', 'rectification', 1, 1, 1, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('fireworks', '禁燃禁放', 'rectification', 1, 1, 1, 1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('other', '其他', 'appeal', 1, 10, 5, 2, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE cases (
    id                    INTEGER PRIMARY KEY,
    number                TEXT NOT NULL UNIQUE,
    year                  INTEGER NOT NULL,
    seq                   INTEGER NOT NULL,
    tracking_code         TEXT NOT NULL UNIQUE,
    unit_id               INTEGER NOT NULL REFERENCES units(id),
    unit_path             TEXT NOT NULL,
    grid_id               INTEGER REFERENCES units(id),
    handler_unit_id       INTEGER NOT NULL REFERENCES units(id),
    handler_path          TEXT NOT NULL,
    list                  TEXT NOT NULL,
    category_id           INTEGER NOT NULL REFERENCES case_categories(id),
    urgency               TEXT NOT NULL,
    channel               TEXT NOT NULL,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    lat                   REAL,
    lng                   REAL,
    reporter_person_id    INTEGER REFERENCES people(id),
    reporter_household_id INTEGER REFERENCES households(id),
    reporter_name         TEXT NOT NULL DEFAULT '',
    reporter_phone        TEXT NOT NULL DEFAULT '',
    campaign_id           INTEGER,
    status                TEXT NOT NULL,
    assignee_kind         TEXT NOT NULL DEFAULT '',
    assignee_id           INTEGER NOT NULL DEFAULT 0,
    claimed               INTEGER NOT NULL DEFAULT 0,
    method                TEXT NOT NULL DEFAULT '',
    result                TEXT NOT NULL DEFAULT '',
    rating                TEXT NOT NULL DEFAULT '',
    rating_comment        TEXT NOT NULL DEFAULT '',
    reopened              INTEGER NOT NULL DEFAULT 0,
    reworks               INTEGER NOT NULL DEFAULT 0,
    escalations           INTEGER NOT NULL DEFAULT 0,
    extension_ask         INTEGER NOT NULL DEFAULT 0,
    deadline              TIMESTAMP NOT NULL,
    overdue               INTEGER NOT NULL DEFAULT 0,
    urged_at              TIMESTAMP,
    created_by            INTEGER,
    idempotency_key       TEXT,
    submitted_at          TIMESTAMP NOT NULL,
    accepted_at           TIMESTAMP,
    dispatched_at         TIMESTAMP,
    signed_at             TIMESTAMP,
    resolved_at           TIMESTAMP,
    checked_at            TIMESTAMP,
    rated_at              TIMESTAMP,
    closed_at             TIMESTAMP,
    version               INTEGER NOT NULL DEFAULT 1,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX cases_unit_path ON cases(unit_path, submitted_at);
CREATE INDEX cases_handler_path ON cases(handler_path, status);
CREATE INDEX cases_status_deadline ON cases(status, deadline);
CREATE INDEX cases_assignee ON cases(assignee_kind, assignee_id, status);
CREATE INDEX cases_campaign ON cases(campaign_id);
CREATE UNIQUE INDEX cases_idempotency ON cases(idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE case_counters (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          TIMESTAMP NOT NULL,
    user_id     INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    case_id    INTEGER REFERENCES cases(id),
    unit_id    INTEGER REFERENCES units(id),
    message    TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE notifications;
DROP TABLE calendar_days;
DROP TABLE case_events;
DROP TABLE case_counters;
DROP TABLE cases;
DROP TABLE case_categories;
