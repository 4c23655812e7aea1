-- +goose Up
-- Photos of cases, kept in the database (several instances share it; no local files). data is
-- the re-encoded image without metadata, thumb a small JPEG. Rows are never updated.
CREATE TABLE case_photos (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,
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
CREATE INDEX case_photos_case ON case_photos(case_id, id);

-- +goose Down
DROP TABLE case_photos;
