package io.umbra.cli.he;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CKKS scale on the command line: a plain number ({@code 1073741824}, {@code 1e9}) or a power of two ({@code 2^30}). */
final class ScaleConverter implements ITypeConverter<Double> {
    private static final Pattern POWER_OF_TWO = Pattern.compile("2\\^(\\d{1,4})");

    @Override
    public Double convert(String value) {
        String v = value.trim();
        double scale;
        Matcher m = POWER_OF_TWO.matcher(v);
        if (m.matches()) {
            scale = Math.scalb(1.0, Integer.parseInt(m.group(1)));
        } else {
            try {
                scale = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a scale: give a number such as 1073741824 or 2^30");
            }
        }
        if (!(scale >= 1.0) || Double.isInfinite(scale)) {
            throw new TypeConversionException("scale " + value + " is out of range: it must be finite and at least 1 (typically 2^30 to 2^50)");
        }
        return scale;
    }
}
