-- +goose Up
-- The per-unit, per-period recount that read cases by (unit_id, submitted_at) is gone: the tallies
-- move by each change's difference. The figures' odd days read a village's cases by its path and
-- time from cases_unit_path (unit_path, submitted_at), which every case already writes: one index
-- fewer to write for every case submitted.
DROP INDEX cases_unit_submitted;

-- +goose Down
CREATE INDEX cases_unit_submitted ON cases(unit_id, submitted_at);
