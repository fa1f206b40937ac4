package io.umbra.crypto;

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
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private OwnerOnlyKeyset() {
    }

    static void require(Path file) throws IOException, GeneralSecurityException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system: nothing to check (logged where the file was made)
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        perms.stream().filter(OTHERS::contains).forEach(open::add);
        if (!open.isEmpty()) {
            throw new GeneralSecurityException("the key-encryption keyset " + file + " may be read or written by others (" + open
                    + "); refusing to use it. Make it owner-only (chmod 600, or defaultMode 0400 on the mounted secret) after checking"
                    + " who could have copied it");
        }
    }
}
