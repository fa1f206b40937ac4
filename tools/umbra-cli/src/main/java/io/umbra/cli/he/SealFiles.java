package io.umbra.cli.he;

import io.umbra.cli.CommandFailure;
import io.umbra.files.SecretFiles;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.serial.Seal;
import io.umbra.he.serial.SealFormatException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The files the {@code he} commands read and write. Whatever a user can get wrong — a missing file,
 * a directory, a file of another kind, bytes SEAL would refuse — ends here as a one-line
 * {@link CommandFailure} that names the file.
 */
final class SealFiles {
    private SealFiles() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file + ": " + reason(e), e);
        }
    }

    /** Reads {@code file} and loads it as {@code what} (for messages: "public key", "ciphertext", …). */
    static <T> T load(Path file, String what, Function<byte[], T> loader) {
        byte[] bytes = read(file);
        try {
            return loader.apply(bytes);
        } catch (SealFormatException e) {
            throw new CommandFailure(file + " is not a valid " + what + ": " + e.getMessage(), e);
        }
    }

    /** The context of a SEAL parameters file (loading checks 128-bit security again). */
    static CkksContext context(Path params) {
        return CkksContext.create(load(params, "SEAL encryption parameters file", Seal::loadParameters));
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + file + ": " + reason(e), e);
        }
    }

    /**
     * Writes a secret: into a temporary file created readable and writable by its owner only (0600,
     * where the file system has POSIX permissions), then moved over {@code file}, so the bytes are
     * never readable by others, not even for a moment, and an older file's looser mode is not kept.
     * Returns false when the file system has no POSIX permissions to set.
     */
    static boolean writeOwnerOnly(Path file, byte[] bytes) {
        try {
            return SecretFiles.replace(file, bytes);
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + file + ": " + reason(e), e);
        }
    }

    /** The I/O error in words: the JDK's messages for these are often just the path. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
