package io.umbra.cli.produce;

import io.umbra.events.tx.TransactionValidator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bank's file, judged line by line before anything is sent (no broker needed: ProduceAndDlqCommandTest sends). */
class TransactionFileTest {
    private static final TransactionValidator VALIDATOR = new TransactionValidator(
            Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC));
    private static final String TS = "2026-12-07T11:59:00Z";

    @Test
    void csvCellsFollowRfc4180Quoting() {
        assertEquals(List.of("a", "b,c", "say \"hi\"", ""), TransactionFile.cells("a,\"b,c\",\"say \"\"hi\"\"\","));
        assertEquals(List.of(""), TransactionFile.cells(""));
        assertThrows(IllegalArgumentException.class, () -> TransactionFile.cells("a,\"open"));
        assertThrows(IllegalArgumentException.class, () -> TransactionFile.cells("a,b\"c"));
        assertThrows(IllegalArgumentException.class, () -> TransactionFile.cells("\"a\"b"));
    }

    @Test
    void csvRowsBecomeTheJsonIngestReadsAndBadRowsKeepTheirLineNumbers() {
        TransactionFile.Judged j = TransactionFile.csv(List.of(
                "\uFEFFcardid,transactionId,amountMinor,currency,merchantId,mcc,country,channel,timestamp,deviceId",
                "card-1,t-1,0,JPY,m-1,0001,JP,ATM," + TS + ",",
                "",
                "card-2,t-2,100,EUR,m-2,5411,DE,POS," + TS + ",dev 1"), VALIDATOR);
        assertEquals(1, j.good().size());
        TransactionFile.Good g = j.good().get(0);
        assertEquals(2, g.line());
        assertEquals("card-1", g.cardId());
        assertEquals("{\"schemaVersion\":1,\"cardId\":\"card-1\",\"transactionId\":\"t-1\",\"amountMinor\":0,\"currency\":\"JPY\","
                + "\"merchantId\":\"m-1\",\"mcc\":\"0001\",\"country\":\"JP\",\"channel\":\"ATM\",\"timestamp\":\"" + TS + "\"}",
                new String(g.value(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of(new TransactionFile.Bad(4, "BAD_IDENTIFIER",
                "deviceId must be 1 to 128 visible ASCII characters (no spaces or control characters)")), j.bad());
    }

    @Test
    void aCsvHeaderThatIsNotTheFieldsIsRefusedWhole() {
        String e = assertThrows(IllegalArgumentException.class, () -> TransactionFile.csv(List.of("transactionId,cardId,cardId"), VALIDATOR))
                .getMessage();
        assertTrue(e.contains("column cardId is named twice"), e);
        String empty = assertThrows(IllegalArgumentException.class, () -> TransactionFile.csv(List.of(), VALIDATOR)).getMessage();
        assertTrue(empty.contains("the CSV file is empty"), empty);
    }

    @Test
    void jsonLinesAreJudgedAsTheyAreWritten() throws Exception {
        String good = "{\"schemaVersion\":1,\"transactionId\":\"t-1\",\"cardId\":\"c\",\"amountMinor\":1,\"currency\":\"EUR\","
                + "\"merchantId\":\"m\",\"mcc\":\"5411\",\"country\":\"DE\",\"channel\":\"POS\",\"timestamp\":\"" + TS + "\",\"extra\":true}";
        Path file = Files.createTempFile("tx", ".jsonl");
        try {
            Files.writeString(file, "\uFEFF" + good + "\n\n" + good.replace(TS, "2026-12-08T12:00:00Z") + "\n");
            TransactionFile.Judged j = TransactionFile.read(file, TransactionFile.Format.of(file), VALIDATOR);
            assertEquals(1, j.good().size());
            assertEquals(good, new String(j.good().get(0).value(), java.nio.charset.StandardCharsets.UTF_8), "byte for byte, unknown fields too");
            assertEquals(3, j.bad().get(0).line());
            assertEquals("TIMESTAMP_IN_FUTURE", j.bad().get(0).reason());
            Files.write(file, new byte[] {(byte) 0xC3, (byte) 0x28});
            String e = assertThrows(IllegalArgumentException.class, () -> TransactionFile.read(file, TransactionFile.Format.JSONL, VALIDATOR))
                    .getMessage();
            assertTrue(e.contains("is not UTF-8 text"), e);
        } finally {
            Files.deleteIfExists(file);
        }
        assertEquals(TransactionFile.Format.CSV, TransactionFile.Format.of(Path.of("x/TX.CSV")));
    }
}
