package io.umbra.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A verification key pinned in a file (a mounted ConfigMap, or the local run's pinned copy), read again
 * whenever the file changes: a re-pin during a signing-key rotation takes effect without a restart.
 * {@link #current()} looks at the file's modification time, size and identity on every call (one
 * {@code stat}; a Kubernetes ConfigMap update swaps a symbolic link, which changes them) and parses it
 * only when they changed.
 *
 * <p>A changed file that cannot be read or is not a Tink public keyset does not replace the key pinned
 * before: the old pin stays in force (verification stays closed to every other signer) and the problem
 * is reported once per change to the {@code notices} callback, as is every re-pin. The file must be usable at the start.
 */
public final class PinnedKeyFile {
    private final Path file;
    private final Consumer<String> notices;
    private volatile Pinned pinned;

    private record Pinned(Object stamp, BundleVerifier verifier) {
    }

    private PinnedKeyFile(Path file, Consumer<String> notices, Pinned pinned) {
        this.file = file;
        this.notices = notices;
        this.pinned = pinned;
    }

    /** The key pinned in {@code file} now; an exception if it cannot be read or is not a public keyset. */
    public static PinnedKeyFile open(Path file, Consumer<String> notices) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(notices, "notices");
        Object stamp = stamp(file);
        return new PinnedKeyFile(file, notices, new Pinned(stamp, BundleVerifier.fromKeyset(Files.readString(file, StandardCharsets.UTF_8))));
    }

    /** The verifier of the keyset the file holds now (or, if the file changed into something unusable, of the last usable one). */
    public BundleVerifier current() {
        Pinned known = pinned;
        Object stamp;
        try {
            stamp = stamp(file);
        } catch (IOException e) {
            return known.verifier(); // between the steps of a replacement, or removed: the pin in force stays
        }
        if (stamp.equals(known.stamp())) {
            return known.verifier();
        }
        synchronized (this) {
            known = pinned;
            if (stamp.equals(known.stamp())) {
                return known.verifier();
            }
            BundleVerifier next;
            try {
                next = BundleVerifier.fromKeyset(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | GeneralSecurityException e) {
                notices.accept("the re-pinned key file " + file + " is unusable (" + e.getMessage() + "); the key pinned before ("
                        + known.verifier().fingerprint() + ") stays in force");
                pinned = new Pinned(stamp, known.verifier());
                return known.verifier();
            }
            pinned = new Pinned(stamp, next);
            if (!next.fingerprint().equals(known.verifier().fingerprint())) {
                notices.accept("re-pinned from " + file + ": " + known.verifier().fingerprint() + " -> " + next.fingerprint() + " ("
                        + next.keyCount() + " key(s))");
            }
            return next;
        }
    }

    public Path file() {
        return file;
    }

    private static Object stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return java.util.List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    }
}
