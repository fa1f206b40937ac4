package io.umbra.cli.he;

import io.umbra.cli.CommandFailure;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code umbra he eval-linear}: what the scoring pool does, Σ wᵢ·ctᵢ + b on ciphertexts with weights in the clear. */
@Command(
    name = "eval-linear",
    mixinStandardHelpOptions = true,
    description = {
        "Score a linear model on ciphertexts, without any key: w0*CT1 + w1*CT2 + ... + bias.",
        "The model applies slot by slot: with one ciphertext per feature and one slot per transaction, every slot of "
            + "the output is one transaction's score.",
        "W.json is {\"weights\": [w0, w1, ...], \"bias\": b} with one weight per input ciphertext. The inputs must share a "
            + "level and a scale. The weighted sum is fused into one pass, then rescaled once: weights are encoded at the "
            + "prime the rescale divides by, so the output has the inputs' scale, one level lower."},
    footer = {"", "Example (column packing: one ciphertext per feature, one slot per transaction):",
        "  echo '{\"weights\": [0.8, -1.2, 0.5], \"bias\": -2.0}' > model.json",
        "  umbra he eval-linear --params params.seal --weights model.json \\",
        "      --in amount.ct,velocity.ct,distance.ct --out score.ct"})
final class EvalLinearCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--params", required = true, paramLabel = "PARAMS", description = "SEAL encryption parameters.")
    Path params;

    @Option(names = "--weights", required = true, paramLabel = "W.json", description = "The model: {\"weights\": [...], \"bias\": b}.")
    Path weights;

    @Option(names = "--in", required = true, paramLabel = "CT", split = ",",
            description = "Input ciphertexts, comma-separated or --in repeated, in the order of the weights.")
    List<Path> in;

    @Option(names = "--out", required = true, paramLabel = "CT", description = "Where to write the encrypted scores.")
    Path out;

    @Mixin
    CompressionOption compression;

    @Override
    public void run() {
        CkksContext context = SealFiles.context(params);
        LinearModel model = LinearModel.read(weights);
        if (model.weights().length != in.size()) {
            throw new CommandFailure(weights + " has " + model.weights().length + (model.weights().length == 1 ? " weight" : " weights")
                    + " for " + in.size() + (in.size() == 1 ? " input ciphertext" : " input ciphertexts")
                    + ": give exactly one weight per --in ciphertext, in the same order");
        }
        Ciphertext[] inputs = new Ciphertext[in.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = SealFiles.load(in.get(i), "ciphertext for " + params, b -> Seal.loadCiphertext(context, b));
        }
        ContextData level = context.require(inputs[0].parmsId());
        for (int i = 1; i < inputs.length; i++) {
            if (!inputs[i].parmsId().equals(inputs[0].parmsId())) {
                throw new CommandFailure(in.get(i) + " is at level " + context.require(inputs[i].parmsId()).chainIndex() + ", "
                        + in.get(0) + " at level " + level.chainIndex() + ": inputs must share a level");
            }
        }
        if (level.next() == null) {
            throw new CommandFailure(in.get(0) + " is at the last level (one prime): no prime left to rescale by after "
                    + "the weighted sum; use parameters with more primes or fresher ciphertexts");
        }
        long start = System.nanoTime();
        Ciphertext scored = model.scoreEncrypted(new Evaluator(context), inputs);
        byte[] bytes = Seal.save(scored, compression.saveOptions());
        SealFiles.write(out, bytes);
        ContextData outLevel = context.require(scored.parmsId());
        PrintWriter w = spec.commandLine().getOut();
        w.println("weighted sum of " + inputs.length + " ciphertexts + bias, rescaled once (level " + level.chainIndex()
                + " to " + outLevel.chainIndex() + ", scale " + Figures.scale(inputs[0].scale()) + " to " + Figures.scale(scored.scale())
                + ") -> " + out + "  " + Figures.bytes(bytes.length) + ", " + Figures.since(start));
        w.flush();
    }
}
