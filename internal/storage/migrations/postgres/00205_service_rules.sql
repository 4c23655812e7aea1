-- +goose Up
-- The seed's service rules per town (志愿服务规则): the weekday of the themed party day /
-- volunteer day (主题党日, 党员志愿服务日; 4 = Thursday), whether a themed day in a statutory
-- holiday is skipped, the least distinct service days per team per quarter, the least hours per
-- office party member per year. A town without a row runs on the defaults (Thursday, 10, 80).
CREATE TABLE service_rules (
    town_id       BIGINT PRIMARY KEY REFERENCES units(id),
    town_path     TEXT COLLATE "C" NOT NULL,
    weekday       BIGINT NOT NULL,
    skip_holidays BOOLEAN NOT NULL DEFAULT FALSE,
    team_days     BIGINT NOT NULL,
    member_hours  BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    updated_by    BIGINT,
    updater_name  TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_rules_path ON service_rules(town_path);

-- +goose Down
DROP TABLE service_rules;
