-- +goose Up
-- Files are stored uncompressed out of line (issue 7 point 5), so that
-- substring(data FROM x FOR n) reads only the TOAST chunks holding those
-- bytes: the gateway serves a Range, or a large file in pieces, without the
-- database reading (and decompressing) the whole file each time. Most files
-- (PDF, images, office documents) are compressed already; text and CSV files
-- take more room.
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;

-- A new storage applies to values written from now on: rewrite the files
-- stored compressed (concatenation makes a new value, stored the new way).
UPDATE blobs SET data = data || ''::bytea WHERE pg_column_compression(data) IS NOT NULL;

-- +goose Down
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTENDED;
