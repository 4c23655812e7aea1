-- +goose Up
-- The seed's service rules per town (志愿服务规则): the weekday of the themed party day /
-- volunteer day (主题党日, 党员志愿服务日; 4 = Thursday), whether a themed day in a statutory
-- holiday is skipped, the least distinct service days per team per quarter, the least hours per
-- office party member per year. A town without a row runs on the defaults (Thursday, 10, 80).
CREATE TABLE service_rules (
    town_id       INTEGER PRIMARY KEY REFERENCES units(id),
    town_path     TEXT NOT NULL,
    weekday       INTEGER NOT NULL,
    skip_holidays INTEGER NOT NULL DEFAULT 0,
    team_days     INTEGER NOT NULL,
    member_hours  INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    updated_by    INTEGER,
    updater_name  TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX service_rules_path ON service_rules(town_path);

-- +goose Down
DROP TABLE service_rules;
