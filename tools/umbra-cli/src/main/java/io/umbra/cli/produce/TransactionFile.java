package io.umbra.cli.produce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A bank's file of raw transactions, read line by line and judged by ingest's own {@link TransactionValidator}
 * before anything is sent: each line becomes a {@link Good} (the record's key, the card id, and its JSON) or a
 * {@link Bad} (its line number and why).
 *
 * <ul>
 *   <li><b>JSON Lines</b> ({@code .jsonl}, {@code .json}, {@code .ndjson}): one raw transaction object per line, sent
 *       byte for byte as written (unknown fields travel along, as on the topic). Blank lines are skipped.</li>
 *   <li><b>CSV</b> ({@code .csv}): a header row naming the JSON fields (any case, in any order, {@code schemaVersion}
 *       optional and 1 when absent); then one transaction per row. Cells are text, except {@code schemaVersion} and
 *       {@code amountMinor} (whole numbers) and {@code latitude}, {@code longitude} (numbers) when they read as such;
 *       an empty cell is an absent field. Quotes as RFC 4180 ({@code "a,b"}, {@code ""} for a quote), one line per row.</li>
 * </ul>
 */
public final class TransactionFile {
    /** The fields of the raw transaction, in docs/EVENTS.md's order. */
    static final List<String> FIELDS = List.of("schemaVersion", "transactionId", "cardId", "amountMinor", "currency", "merchantId",
            "mcc", "country", "channel", "timestamp", "cardCountry", "deviceId", "latitude", "longitude");
    private static final Set<String> INTEGERS = Set.of("schemaVersion", "amountMinor");
    private static final Set<String> NUMBERS = Set.of("latitude", "longitude");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the file is written. */
    public enum Format {
        JSONL, CSV;

        /** From the file name: {@code .csv} is CSV, anything else JSON Lines. */
        public static Format of(Path file) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSONL;
        }
    }

    /** A line that passed: its record key (the card id) and value (UTF-8 JSON). */
    public record Good(int line, String transactionId, String cardId, byte[] value) {
    }

    /** A line that did not: its number (from 1, the CSV header included), the reason codes and the messages. */
    public record Bad(int line, String reason, String detail) {
    }

    /** Every line of a file, judged. */
    public record Judged(List<Good> good, List<Bad> bad) {
    }

    private TransactionFile() {
    }

    /** Reads and judges {@code file}; an {@link IllegalArgumentException} when it cannot be read at all (or its CSV header is wrong). */
    public static Judged read(Path file, Format format, TransactionValidator validator) {
        List<String> lines = readLines(file);
        return format == Format.CSV ? csv(lines, validator) : jsonLines(lines, validator);
    }

    private static List<String> readLines(Path file) {
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)))) {
            List<String> lines = new ArrayList<>();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                lines.add(l);
            }
            return lines;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Judged jsonLines(List<String> lines, TransactionValidator validator) {
        List<Good> good = new ArrayList<>();
        List<Bad> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            judge(i + 1, (i == 0 && line.startsWith("\uFEFF") ? line.substring(1) : line).getBytes(StandardCharsets.UTF_8), validator,
                    good, bad);
        }
        return new Judged(good, bad);
    }

    static Judged csv(List<String> lines, TransactionValidator validator) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the CSV file is empty: its first line must name the fields (" + String.join(",", FIELDS) + ")");
        }
        String headerLine = lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(0);
        List<String> header;
        try {
            header = cells(headerLine);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CSV header (line 1): " + e.getMessage());
        }
        Map<String, String> byLowerCase = new HashMap<>();
        FIELDS.forEach(f -> byLowerCase.put(f.toLowerCase(Locale.ROOT), f));
        List<String> columns = new ArrayList<>();
        for (String h : header) {
            String field = byLowerCase.get(h.strip().toLowerCase(Locale.ROOT));
            if (field == null) {
                throw new IllegalArgumentException("CSV header (line 1): column '" + h.strip() + "' is not a field of the raw transaction;"
                        + " the fields are " + String.join(", ", FIELDS));
            }
            if (columns.contains(field)) {
                throw new IllegalArgumentException("CSV header (line 1): column " + field + " is named twice");
            }
            columns.add(field);
        }
        List<Good> good = new ArrayList<>();
        List<Bad> bad = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            List<String> cells;
            try {
                cells = cells(line);
            } catch (IllegalArgumentException e) {
                bad.add(new Bad(i + 1, "MALFORMED_CSV", e.getMessage()));
                continue;
            }
            if (cells.size() != columns.size()) {
                bad.add(new Bad(i + 1, "MALFORMED_CSV", cells.size() + " cells, the header has " + columns.size()));
                continue;
            }
            ObjectNode record = JSON.createObjectNode();
            if (!columns.contains("schemaVersion")) {
                record.put("schemaVersion", TransactionValidator.SCHEMA_VERSION);
            }
            for (int c = 0; c < columns.size(); c++) {
                put(record, columns.get(c), cells.get(c));
            }
            byte[] value;
            try {
                value = JSON.writeValueAsBytes(record);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write JSON", e);
            }
            judge(i + 1, value, validator, good, bad);
        }
        return new Judged(good, bad);
    }

    /** A cell as JSON: absent when empty, a number where the field takes one and the text reads as one, else text. */
    private static void put(ObjectNode record, String field, String cell) {
        if (cell.isEmpty()) {
            return;
        }
        if (INTEGERS.contains(field) && cell.matches("-?[0-9]{1,18}")) {
            record.put(field, Long.parseLong(cell));
        } else if (NUMBERS.contains(field) && cell.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            record.put(field, Double.parseDouble(cell));
        } else {
            record.put(field, cell); // the validator says why a string is wrong here (WRONG_TYPE, BAD_MCC, …)
        }
    }

    private static void judge(int line, byte[] value, TransactionValidator validator, List<Good> good, List<Bad> bad) {
        switch (validator.validate(value)) {
            case ValidationResult.Valid v -> {
                RawTransaction tx = v.transaction();
                good.add(new Good(line, tx.transactionId(), tx.cardId(), value));
            }
            case ValidationResult.Invalid invalid -> bad.add(new Bad(line, invalid.reason(), invalid.detail()));
        }
    }

    /** The cells of one CSV line (RFC 4180 quoting, no line breaks inside a cell). */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                if (cell.length() > 0 || wasQuoted) {
                    throw new IllegalArgumentException("a quote inside an unquoted cell (cell " + (cells.size() + 1) + ")");
                }
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else {
                if (wasQuoted) {
                    throw new IllegalArgumentException("text after a closing quote (cell " + (cells.size() + 1) + ")");
                }
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quote is not closed on this line (cell " + (cells.size() + 1) + ")");
        }
        cells.add(cell.toString());
        return cells;
    }
}
