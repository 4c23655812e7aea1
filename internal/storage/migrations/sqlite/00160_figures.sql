-- +goose Up
-- Figure settings (weights of the composite, how much "basically satisfied" counts, the minimum
-- number of cases to be ranked) per unit: a county or town sets its own, and every unit below
-- uses the nearest row on its path; where there is none the built-in defaults apply.
CREATE TABLE figure_settings (
    unit_id          INTEGER PRIMARY KEY REFERENCES units(id),
    w_response       INTEGER NOT NULL,
    w_resolution     INTEGER NOT NULL,
    w_on_time        INTEGER NOT NULL,
    w_satisfaction   INTEGER NOT NULL,
    w_rework         INTEGER NOT NULL,
    basic_weight     INTEGER NOT NULL,
    min_cases        INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_by       INTEGER,
    updated_at       TIMESTAMP NOT NULL
);

-- The acceptance deadline (受理时限) of a case, fixed when it is submitted from its category's
-- acceptance limit in working days: the response rate compares accepted_at with it.
ALTER TABLE cases ADD COLUMN accept_due TIMESTAMP;

-- The figures aggregate reads a unit's cases over a period.
CREATE INDEX cases_unit_submitted ON cases(unit_id, submitted_at);

-- +goose Down
DROP INDEX cases_unit_submitted;
ALTER TABLE cases DROP COLUMN accept_due;
DROP TABLE figure_settings;
