-- +goose Up
-- Group-robot webhooks per unit (WeCom, DingTalk) and their outbox: a notification about a case
-- of the unit queues one delivery per webhook, which the delivery job sends and retries.
CREATE TABLE unit_webhooks (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    unit_path  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX unit_webhooks_unit ON unit_webhooks(unit_path);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES unit_webhooks(id) ON DELETE CASCADE,
    notification_id INTEGER REFERENCES notifications(id),
    case_id         INTEGER REFERENCES cases(id),
    message         TEXT NOT NULL,
    args            TEXT NOT NULL DEFAULT '',
    link            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         TIMESTAMP NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);

-- The deadline a "due tomorrow" reminder was sent for, so the reminder job sends it once.
ALTER TABLE cases ADD COLUMN reminded_deadline TIMESTAMP;

-- +goose Down
ALTER TABLE cases DROP COLUMN reminded_deadline;
DROP TABLE webhook_deliveries;
DROP TABLE unit_webhooks;
