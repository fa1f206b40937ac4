package io.umbra.cli.he;

import io.umbra.cli.CommandFailure;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code he encrypt}'s input: a text file with one number per line. Blank lines and {@code #}
 * comments (whole lines or the rest of a line) are ignored; anything else that is not a finite
 * number is an error naming the line.
 */
final class ValuesFile {
    private ValuesFile() {
    }

    static double[] read(Path file, int maxValues) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new CommandFailure(file + " is not a text file (not UTF-8): expected one number per line", e);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file + ": " + SealFiles.reason(e), e);
        }
        double[] values = new double[Math.min(lines.size(), maxValues)];
        int count = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new CommandFailure(file + " line " + (i + 1) + ": '" + text + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new CommandFailure(file + " line " + (i + 1) + ": '" + text + "' is not a finite number");
            }
            if (count == maxValues) {
                throw new CommandFailure(file + " line " + (i + 1) + ": more than " + maxValues
                        + " values, the most one ciphertext holds at these parameters (N/2 slots)");
            }
            values[count++] = v;
        }
        if (count == 0) {
            throw new CommandFailure(file + " holds no values: expected one number per line");
        }
        return Arrays.copyOf(values, count);
    }
}
