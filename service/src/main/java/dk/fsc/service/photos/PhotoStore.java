package dk.fsc.service.photos;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The records of stored wound photos (the files are in the blob store), in the caller's transaction. */
@Singleton
public class PhotoStore {
    private static final String COLUMNS = """
            id, patient_id, device_id, taken_at, wound_id, wound_type, body_site, length_cm, width_cm, depth_cm, area_cm2,
            note, content_type, sha256, size_bytes, width_px, height_px, thumbnail_sha256, removed_metadata, received_at, taken_by""";
    private final Database db;

    PhotoStore(Database db) {
        this.db = db;
    }

    /** A photo's record and the SHA-256 of its thumbnail (null for a PDF, which has none). */
    public record Stored(PhotoView view, @Nullable String thumbnailSha256) {

        /** The file, or its thumbnail (a PDF has none: "not found"). */
        public PhotoFile read(BlobStore blobs, boolean thumbnail) {
            return PhotoFile.open(blobs, view.id(), view.sha256(), view.contentType(), thumbnailSha256, thumbnail);
        }
    }

    /** A patient's photos, newest first. */
    public List<Stored> forPatient(UUID patientId) {
        return db.sql().list("SELECT " + COLUMNS + " FROM photos WHERE patient_id = ? ORDER BY taken_at DESC, id", PhotoStore::stored,
                patientId);
    }

    public Optional<Stored> find(UUID photoId) {
        return db.sql().one("SELECT " + COLUMNS + " FROM photos WHERE id = ?", PhotoStore::stored, photoId);
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String thumbnail = rs.getString("thumbnail_sha256");
        Array removed = rs.getArray("removed_metadata");
        PhotoView view = new PhotoView(id, rs.getObject("patient_id", UUID.class), rs.getString("device_id"),
                Sql.instant(rs, "taken_at"), rs.getString("wound_id"), rs.getString("wound_type"), rs.getString("body_site"),
                Sql.nullableDouble(rs, "length_cm"), Sql.nullableDouble(rs, "width_cm"), Sql.nullableDouble(rs, "depth_cm"),
                Sql.nullableDouble(rs, "area_cm2"), rs.getString("note"), rs.getString("content_type"), rs.getString("sha256"),
                rs.getInt("size_bytes"), (Integer) rs.getObject("width_px"), (Integer) rs.getObject("height_px"),
                Arrays.asList((String[]) removed.getArray()), Sql.instant(rs, "received_at"),
                "/api/photos/" + id + "/image", thumbnail == null ? null : "/api/photos/" + id + "/thumbnail", rs.getString("taken_by"));
        return new Stored(view, thumbnail);
    }
}
