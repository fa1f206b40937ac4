package io.umbra.cli.he;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code umbra he encrypt}: a column of numbers into one CKKS ciphertext under a public key. */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    description = {
        "Encrypt up to N/2 numbers into one CKKS ciphertext (SEAL 4.1 file) with a public key.",
        "VALUES is a text file with one number per line; blank lines and # comments are ignored. Value i goes to "
            + "slot i; the remaining slots hold 0. The ciphertext is at the first data level (all primes but the special one)."},
    footer = {"", "Example:",
        "  printf '1.5\\n-2\\n0.25\\n' > x.txt",
        "  umbra he encrypt --params params.seal --public-key public.key \\",
        "      --scale 2^40 --in x.txt --out x.ct"})
final class EncryptCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--params", required = true, paramLabel = "PARAMS", description = "SEAL encryption parameters.")
    Path params;

    @Option(names = "--public-key", required = true, paramLabel = "PK", description = "SEAL public key (from 'umbra he keygen').")
    Path publicKey;

    @Option(names = "--scale", required = true, paramLabel = "S", converter = ScaleConverter.class,
            description = "CKKS scale: a number (1099511627776) or a power of two (2^40). Usually the size of the middle primes.")
    double scale;

    @Option(names = "--in", required = true, paramLabel = "VALUES", description = "Text file, one number per line.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "CT", description = "Where to write the ciphertext.")
    Path out;

    @Mixin
    CompressionOption compression;

    @Override
    public void run() {
        CkksContext context = SealFiles.context(params);
        PublicKey pk = SealFiles.load(publicKey, "public key for " + params, b -> Seal.loadPublicKey(context, b));
        double[] values = ValuesFile.read(in, context.slotCount());
        long start = System.nanoTime();
        Ciphertext ct = new Encryptor(context, pk).encrypt(new CkksEncoder(context).encode(values, scale));
        byte[] bytes = Seal.save(ct, compression.saveOptions());
        SealFiles.write(out, bytes);
        ContextData level = context.require(ct.parmsId());
        PrintWriter w = spec.commandLine().getOut();
        w.println("encrypted " + Figures.count(values.length) + " values into " + Figures.count(context.slotCount())
                + " slots at scale " + Figures.scale(scale) + ", level " + level.chainIndex() + " (" + level.primeCount()
                + " primes) -> " + out + "  " + Figures.bytes(bytes.length) + ", " + Figures.since(start));
        w.flush();
    }
}
