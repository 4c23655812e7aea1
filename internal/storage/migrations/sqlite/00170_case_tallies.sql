-- +goose Up
-- Case tallies: the figures' counts per village or community and period, kept in step with the
-- cases in the same transaction as every change of a case (storage/tallies.go), so that a
-- dashboard over a county or a province reads one row per village instead of every case.
-- period is a month ('2026-03') or a year ('2026') in China time (UTC+8). Each count is the
-- number of the unit's cases submitted in the period that figureCond puts in it: the tallies are
-- a cache of the cases, never a record of their own, and can be rebuilt from them at any time.
-- Keyed by period first: a province's year is one contiguous run of rows.
CREATE TABLE case_tallies (
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    period          TEXT NOT NULL,
    received        INTEGER NOT NULL DEFAULT 0,
    taken           INTEGER NOT NULL DEFAULT 0,
    responded       INTEGER NOT NULL DEFAULT 0,
    resolved        INTEGER NOT NULL DEFAULT 0,
    on_time         INTEGER NOT NULL DEFAULT 0,
    delivered       INTEGER NOT NULL DEFAULT 0,
    rated           INTEGER NOT NULL DEFAULT 0,
    satisfied       INTEGER NOT NULL DEFAULT 0,
    basic_satisfied INTEGER NOT NULL DEFAULT 0,
    dissatisfied    INTEGER NOT NULL DEFAULT 0,
    reworked        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period, unit_id)
) WITHOUT ROWID;

-- A dashboard lists the villages and communities of a subtree: one range per kind, read from
-- the index alone.
CREATE INDEX units_branch_list ON units(kind, path, id, name, active);

-- The cases already stored. Times are stored as UTC text ('2026-03-01 08:00:00 +0000 UTC').
INSERT INTO case_tallies (unit_id, period, received, taken, responded, resolved, on_time, delivered, rated, satisfied,
    basic_satisfied, dissatisfied, reworked)
SELECT c.unit_id, strftime('%Y-%m', substr(c.submitted_at, 1, 19), '+8 hours'),
    COUNT(*),
    SUM(CASE WHEN c.status <> 'rejected' THEN 1 ELSE 0 END),
    SUM(CASE WHEN (c.accepted_at IS NOT NULL AND (c.accept_due IS NULL OR c.accepted_at <= c.accept_due))
        OR (c.status = 'rejected' AND c.closed_at IS NOT NULL AND (c.accept_due IS NULL OR c.closed_at <= c.accept_due)) THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.status IN ('resolved', 'checked', 'rated', 'closed') THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.status IN ('resolved', 'checked', 'rated', 'closed') AND c.resolved_at <= c.deadline THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.resolved_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.rating IN ('satisfied', 'basic_satisfied', 'dissatisfied') THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.rating = 'satisfied' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.rating = 'basic_satisfied' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.rating = 'dissatisfied' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.reworks > 0 THEN 1 ELSE 0 END)
FROM cases c WHERE 1=1 GROUP BY 1, 2;

INSERT INTO case_tallies (unit_id, period, received, taken, responded, resolved, on_time, delivered, rated, satisfied,
    basic_satisfied, dissatisfied, reworked)
SELECT unit_id, substr(period, 1, 4), SUM(received), SUM(taken), SUM(responded), SUM(resolved), SUM(on_time), SUM(delivered),
    SUM(rated), SUM(satisfied), SUM(basic_satisfied), SUM(dissatisfied), SUM(reworked)
FROM case_tallies WHERE length(period) = 7 GROUP BY 1, 2;

-- +goose Down
DROP INDEX units_branch_list;
DROP TABLE case_tallies;
