-- Photos taken by staff and uploaded over HTTP (docs/wounds.md): stored as a device's are, with
-- device_id 'staff', message_id 'staff-<uuid>' and the member of staff who took it.
ALTER TABLE photos ADD COLUMN taken_by text;

-- Retention removes photos by their age (fsc.retention.photos): a measurement taken from a photo
-- keeps its sizes when the photo goes, it only stops naming it. (Before this, the foreign key
-- made the photos' retention fail on any photo a nurse had measured.)
ALTER TABLE wound_measurements DROP CONSTRAINT wound_measurements_photo_id_fkey;
ALTER TABLE wound_measurements ADD CONSTRAINT wound_measurements_photo_id_fkey
    FOREIGN KEY (photo_id) REFERENCES photos (id) ON DELETE SET NULL;
