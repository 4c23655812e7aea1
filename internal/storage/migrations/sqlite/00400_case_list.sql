-- +goose Up
-- The case list of a town or a village reads each village's newest cases from this index and
-- merges them (storage/cases_list.go), instead of sorting all of the town's cases by id.
CREATE INDEX cases_unit_path_id ON cases(unit_path, id);

-- +goose Down
DROP INDEX cases_unit_path_id;
