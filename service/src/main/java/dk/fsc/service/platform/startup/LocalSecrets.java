package dk.fsc.service.platform.startup;

import dk.fsc.service.platform.security.PasswordHasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Keys for a development or single-machine installation, made on first start and kept in
 * {@code $FSC_DATA_DIR/secrets} (readable by the owner only). Production sets FSC_JWT_SECRET and
 * FSC_CPR_KEY from its secret store instead; nothing secret is ever committed.
 */
final class LocalSecrets {
    private LocalSecrets() {
    }

    static String jwtSecret(Path dataDir) {
        return loadOrCreate(dataDir, "jwt-secret", () -> PasswordHasher.randomSecret(48));
    }

    static String cprKey(Path dataDir) {
        return loadOrCreate(dataDir, "cpr-key", () -> {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return Base64.getEncoder().encodeToString(key);
        });
    }

    private static String loadOrCreate(Path dataDir, String name, java.util.function.Supplier<String> make) {
        Path file = dataDir.resolve("secrets").resolve(name);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            String value = make.get();
            Files.writeString(file, value);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system; the folder's own permissions apply
            }
            return value;
        } catch (IOException e) {
            throw new StartupProblem("Cannot read or create " + file + " (" + e.getMessage()
                    + "). Make FSC_DATA_DIR writable or set FSC_JWT_SECRET and FSC_CPR_KEY.", e);
        }
    }
}
