package io.umbra.crypto;

import io.umbra.files.SecretFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Refuses to read a local keyset file that its group or anyone else may read or write: such a key may
 * already be someone else's, and using it would wrap new secrets under it too. The fix is the operator's
 * ({@code chmod 600}, or a Kubernetes secret mounted with {@code defaultMode: 0400}); it is not done here.
 */
final class OwnerOnlyKeyset {
    private OwnerOnlyKeyset() {
    }

    static void require(Path file) throws IOException, GeneralSecurityException {
        if (!SecretFiles.isOwnerOnly(file)) {
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            Files.getPosixFilePermissions(file).stream().filter(p -> !SecretFiles.OWNER_ONLY_FILE.contains(p)).forEach(open::add);
            throw new GeneralSecurityException("the key-encryption keyset " + file + " may be read or written by others (" + open
                    + "); refusing to use it. Make it owner-only (chmod 600, or defaultMode 0400 on the mounted secret) after checking"
                    + " who could have copied it");
        }
    }
}
