package io.umbra.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * How Umbra puts a secret on disk — a key-encryption keyset, a wrapped secret key, a signing keyset, a
 * bearer token, a broker password — in one place, so every module gets the same guarantees.
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li>A secret file is owner-only ({@code 0600}) from the moment it exists: it is created with that mode,
 *       never created readable and tightened afterwards. Directories made for secrets are {@code 0700}.</li>
 *   <li>Readers never see half a file: content goes to a temporary file beside the target, is forced to
 *       disk, and is then moved in ({@link #replace}) or linked in ({@link #writeOnce}).</li>
 *   <li>{@link #writeOnce} never overwrites: a hard link appears atomically and fails if the name exists
 *       (rename(2), which an atomic move is on Linux, would silently replace a key another process just
 *       created), so of two processes racing to create a key, exactly one wins and the other reads the
 *       winner's.</li>
 *   <li>{@link #overwriteAndDelete} zeroes a secret's bytes in place before unlinking it.</li>
 * </ul>
 *
 * <p>On a file system without POSIX permissions (Windows) files are still written atomically, and the
 * methods that set modes say so by returning {@code false}: the caller tells the operator to protect the
 * directory by other means. Plain JDK, no dependencies: the broker launcher uses it as well as the key
 * service.
 */
public final class SecretFiles {
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-r--r--}: public material written beside secrets (a JWKS, a verification key). */
    public static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private SecretFiles() {
    }

    /** Whether files at {@code path} (existing or not) get POSIX permissions: those of its nearest existing ancestor's store. */
    public static boolean hasPosixPermissions(Path path) throws IOException {
        Path existing = existingAncestor(path.toAbsolutePath());
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    /**
     * Creates {@code dir} and its missing parents, those it creates owner-only from the start, then makes
     * {@code dir} itself {@code 0700} (an existing one too). False if the file system has no POSIX permissions
     * (the directory exists all the same).
     */
    public static boolean createOwnerOnlyDirectories(Path dir) throws IOException {
        boolean posix = hasPosixPermissions(dir);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attributes(posix, OWNER_ONLY_DIRECTORY));
        }
        if (posix) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
        }
        return posix;
    }

    /** Creates the one new directory {@code dir}, owner-only from the start; a {@link FileAlreadyExistsException} if it exists. */
    public static void createOwnerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, attributes(hasPosixPermissions(dir), OWNER_ONLY_DIRECTORY));
    }

    /**
     * The attributes that create a file owner-only where {@code path} is (none without POSIX permissions), for
     * files opened by other means, e.g. a lock file: {@code FileChannel.open(lock, options, ownerOnlyFileAttributes(lock))}.
     */
    public static FileAttribute<?>[] ownerOnlyFileAttributes(Path path) throws IOException {
        return attributes(hasPosixPermissions(path), OWNER_ONLY_FILE);
    }

    /**
     * Replaces {@code file} atomically by a new owner-only file holding {@code bytes}; an older file's looser
     * mode is not kept. False if the file system has no POSIX permissions.
     */
    public static boolean replace(Path file, byte[] bytes) throws IOException {
        return replace(file, bytes, OWNER_ONLY_FILE);
    }

    /** {@link #replace(Path, byte[])} with another mode, for the public files written beside secrets. */
    public static boolean replace(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        Path target = file.toAbsolutePath();
        boolean posix = hasPosixPermissions(target);
        Path tmp = temporaryBeside(target, posix);
        try {
            fill(tmp, bytes);
            if (posix && !mode.equals(OWNER_ONLY_FILE)) {
                Files.setPosixFilePermissions(tmp, mode);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return posix;
    }

    /**
     * Writes {@code bytes} to {@code file} (owner-only) unless it exists, never replacing it: true if this
     * call created it, false if it was there already (another process won the race; read its file).
     */
    public static boolean writeOnce(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = temporaryBeside(target, hasPosixPermissions(target));
        try {
            fill(tmp, bytes);
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code file} owner-only from the start and writes {@code bytes} to it, forced to disk; a
     * {@link FileAlreadyExistsException} if it exists. For files inside a directory not yet visible to
     * readers (a key version built under a temporary name and then moved in whole).
     */
    public static void createNew(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes(hasPosixPermissions(file), OWNER_ONLY_FILE))) {
            writeAll(ch, bytes);
        }
    }

    /** Whether {@code file} is readable and writable by its owner alone (always true without POSIX permissions). */
    public static boolean isOwnerOnly(Path file) throws IOException {
        return !hasPosixPermissions(file) || OWNER_ONLY_FILE.containsAll(Files.getPosixFilePermissions(file));
    }

    /** Overwrites {@code file}'s bytes with zeros in place, forced to disk, then deletes it; nothing if it is absent. */
    public static void overwriteAndDelete(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            Files.deleteIfExists(file);
            return;
        }
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
            long written = 0;
            while (written < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
                written += ch.write(zeros, written);
            }
            ch.force(true);
        }
        Files.delete(file);
    }

    /** Deletes {@code path} and everything under it; nothing if it is absent. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path temporaryBeside(Path target, boolean posix) throws IOException {
        return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp", attributes(posix, OWNER_ONLY_FILE));
    }

    private static void fill(Path tmp, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAll(ch, bytes);
        }
    }

    private static void writeAll(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(true);
    }

    private static FileAttribute<?>[] attributes(boolean posix, Set<PosixFilePermission> mode) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.copyOf(mode))} : new FileAttribute<?>[0];
    }

    private static Path existingAncestor(Path p) {
        Path a = p;
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        return a;
    }
}
