package io.umbra.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() throws Exception {
        assumeTrue(SecretFiles.hasPosixPermissions(tmp), "these tests check POSIX modes");
    }

    @Test
    void directoriesAndTheirNewParentsAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("a/b/keys");
        assertTrue(SecretFiles.createOwnerOnlyDirectories(dir));
        assertEquals("rwx------", mode(dir));
        assertEquals("rwx------", mode(tmp.resolve("a")), "a parent created on the way is owner-only too");

        Path loose = Files.createDirectory(tmp.resolve("loose"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        SecretFiles.createOwnerOnlyDirectories(loose);
        assertEquals("rwx------", mode(loose), "an existing directory is tightened");
    }

    @Test
    void aReplacedFileIsOwnerOnlyHoldsTheNewBytesAndLeavesNoTemporaryFile() throws Exception {
        Path file = tmp.resolve("token");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertTrue(SecretFiles.replace(file, utf8("new secret")));

        assertEquals("new secret", Files.readString(file));
        assertEquals("rw-------", mode(file), "the older file's looser mode is not kept");
        assertEquals(List.of(file), list(tmp));
    }

    @Test
    void aPublicFileIsReplacedWithItsOwnMode() throws Exception {
        Path file = tmp.resolve("jwks.json");
        SecretFiles.replace(file, utf8("{}"), SecretFiles.PUBLIC_FILE);
        assertEquals("rw-r--r--", mode(file));
    }

    @Test
    void replacingIsAtomicForAReaderThatHoldsTheOldFile() throws Exception {
        Path file = tmp.resolve("keyset");
        SecretFiles.replace(file, utf8("first"));
        try (var reader = Files.newBufferedReader(file)) {
            SecretFiles.replace(file, utf8("second"));
            assertEquals("first", reader.readLine(), "an open reader keeps the whole old file: it was swapped, not rewritten");
        }
        assertEquals("second", Files.readString(file));
    }

    @Test
    void writeOnceNeverOverwritesAndTellsWhoWon() throws Exception {
        Path file = tmp.resolve("kek.bin");
        assertTrue(SecretFiles.writeOnce(file, utf8("winner")));
        assertEquals("rw-------", mode(file));
        assertFalse(SecretFiles.writeOnce(file, utf8("loser")));
        assertEquals("winner", Files.readString(file));
        assertEquals(List.of(file), list(tmp), "the loser's temporary file is gone");
    }

    @Test
    void ofManyRacingCreatorsExactlyOneWinsAndItsBytesStay() throws Exception {
        Path file = tmp.resolve("signing.keyset");
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                byte[] mine = utf8("racer-" + i);
                results.add(pool.submit(() -> {
                    go.await();
                    return SecretFiles.writeOnce(file, mine);
                }));
            }
            go.countDown();
            int winners = 0;
            String won = null;
            for (int i = 0; i < racers; i++) {
                if (results.get(i).get()) {
                    winners++;
                    won = "racer-" + i;
                }
            }
            assertEquals(1, winners);
            assertEquals(won, Files.readString(file));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createNewIsOwnerOnlyAndRefusesAnExistingFile() throws Exception {
        Path file = tmp.resolve("secret.key");
        SecretFiles.createNew(file, utf8("s"));
        assertEquals("rw-------", mode(file));
        assertThrows(FileAlreadyExistsException.class, () -> SecretFiles.createNew(file, utf8("t")));
        assertEquals("s", Files.readString(file));
        assertTrue(SecretFiles.isOwnerOnly(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertFalse(SecretFiles.isOwnerOnly(file));
    }

    @Test
    void overwriteAndDeleteZeroesTheBytesBeforeTheFileGoes() throws Exception {
        Path file = tmp.resolve("old-secret");
        byte[] secret = new byte[3 << 20];
        java.util.Arrays.fill(secret, (byte) 0x5a);
        Files.write(file, secret);
        // a second name for the same inode shows what became of the bytes after the first name is gone
        Path witness = Files.createLink(tmp.resolve("witness"), file);

        SecretFiles.overwriteAndDelete(file);

        assertFalse(Files.exists(file));
        assertArrayEquals(new byte[secret.length], Files.readAllBytes(witness));
        SecretFiles.overwriteAndDelete(file); // absent: nothing to do
    }

    @Test
    void deleteRecursivelyRemovesATree() throws Exception {
        Path root = tmp.resolve("run");
        Files.createDirectories(root.resolve("x/y"));
        Files.writeString(root.resolve("x/y/z"), "z");
        SecretFiles.deleteRecursively(root);
        assertFalse(Files.exists(root));
        SecretFiles.deleteRecursively(root);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
