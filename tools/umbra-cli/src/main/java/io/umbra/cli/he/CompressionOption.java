package io.umbra.cli.he;

import io.umbra.he.serial.Compression;
import io.umbra.he.serial.SaveOptions;
import picocli.CommandLine.Option;

/** {@code --compression}, shared by every command that writes a SEAL file: none unless asked. */
final class CompressionOption {
    @Option(names = "--compression", paramLabel = "MODE", defaultValue = "none", converter = Converter.class,
            description = "SEAL compression of the files written: none (default), zlib or zstd. SEAL and node-seal read all three.")
    Compression compression;

    SaveOptions saveOptions() {
        return SaveOptions.of(compression);
    }

    static final class Converter implements picocli.CommandLine.ITypeConverter<Compression> {
        @Override
        public Compression convert(String value) {
            for (Compression c : Compression.values()) {
                if (c.name().equalsIgnoreCase(value.trim())) {
                    return c;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a compression mode: use none, zlib or zstd");
        }
    }
}
