package io.umbra.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.umbra.files.SecretFiles;

/** The SCRAM password files of a secured local run, without a broker: what an operator finds on disk. */
class KafkaCredentialsTest {
    @TempDir
    Path run;

    @Test
    void eachPrincipalsPasswordIsInAnOwnerOnlyFileInAnOwnerOnlyDirectory() throws Exception {
        assumeTrue(SecretFiles.hasPosixPermissions(run), "checks POSIX modes");
        Path dir = run.resolve("kafka-credentials");

        KafkaCredentials credentials = KafkaCredentials.provision(dir, List.of("acme.ingest-service", "scoring"), false);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (String user : List.of("acme.ingest-service", "scoring", KafkaCredentials.ADMIN)) {
            Path file = credentials.passwordFile(user);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), user);
            assertTrue(Files.readString(file).strip().matches("[0-9a-f]{48}"), "192 random bits as hex");
        }
        assertEquals(Files.readString(credentials.passwordFile("scoring")).strip(), credentials.userPasswords().get("scoring"));
        assertFalse(credentials.userPasswords().containsKey(KafkaCredentials.ADMIN));
    }

    @Test
    void aKeptBrokerKeepsItsAdminPasswordWhileEveryOtherOneIsNew() throws Exception {
        Path dir = run.resolve("kafka-credentials");
        KafkaCredentials first = KafkaCredentials.provision(dir, List.of("acme.ingest-service"), false);

        KafkaCredentials kept = KafkaCredentials.provision(dir, List.of("acme.ingest-service"), true);
        KafkaCredentials fresh = KafkaCredentials.provision(dir, List.of("acme.ingest-service"), false);

        assertTrue(kept.adminReused());
        assertEquals(first.adminPassword(), kept.adminPassword());
        assertNotEquals(first.userPasswords(), kept.userPasswords());
        assertFalse(fresh.adminReused());
        assertNotEquals(kept.adminPassword(), fresh.adminPassword());
        assertEquals(fresh.adminPassword(), Files.readString(fresh.passwordFile(KafkaCredentials.ADMIN)).strip());
    }
}
