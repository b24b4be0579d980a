-- Photo files retention is to delete, kept until they are: the rows go and their files are listed here in the
-- same transaction, and each is deleted (under its lock, when no photo names it any more: PhotoRows) and taken
-- off the list after. Until V44 the list was in memory: a file whose delete failed, or that the service was
-- stopped before deleting, stayed on disk for good, a wound photo kept past its retention.
CREATE TABLE photo_files_to_delete (
    sha256 text PRIMARY KEY,
    listed_at timestamptz NOT NULL DEFAULT now()
);
-- Whether a photo still names a file (each file retention deletes) and which photos are past retention (each
-- batch) read the whole table: the only index began with the patient.
CREATE INDEX photos_sha256_idx ON photos (sha256);
CREATE INDEX photos_thumbnail_sha256_idx ON photos (thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
CREATE INDEX photos_taken_at_idx ON photos (taken_at);
