package io.umbra.cli.he;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.umbra.cli.CommandFailure;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.Evaluator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A linear model in the clear, Σ wᵢ·xᵢ + b: what the scoring pool holds. On disk it is the JSON
 * object {@code {"weights": [w0, w1, …], "bias": b}} ({@code bias} optional, 0 when absent; any other
 * field is refused, so that a misspelt {@code "bais"} cannot silently score without a bias).
 */
record LinearModel(double[] weights, double bias) {
    /** Strict: no second object after the first, no field given twice. A holder, so the demo does not pay for Jackson's start-up. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    static LinearModel read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new CommandFailure(file + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file + ": " + SealFiles.reason(e), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new CommandFailure(file + ": expected a JSON object {\"weights\": [...], \"bias\": b}");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("weights") && !name.equals("bias")) {
                throw new CommandFailure(file + ": unknown field \"" + name + "\" (a model has \"weights\" and \"bias\")");
            }
        }
        if (!(object.get("weights") instanceof ArrayNode array) || array.isEmpty()) {
            throw new CommandFailure(file + ": \"weights\" must be a non-empty array of numbers");
        }
        double[] weights = new double[array.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = number(file, array.get(i), "weights[" + i + "]");
        }
        JsonNode bias = object.get("bias");
        return new LinearModel(weights, bias == null ? 0.0 : number(file, bias, "bias"));
    }

    private static double number(Path file, JsonNode node, String field) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw new CommandFailure(file + ": " + field + " must be a finite number, found " + node);
        }
        return node.doubleValue();
    }

    /** The model as the JSON {@link #read} reads. */
    String toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode array = root.putArray("weights");
        for (double w : weights) {
            array.add(w);
        }
        root.put("bias", bias);
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Σ wᵢ·xᵢ + b in the clear for each of {@code count} rows, the features given column by column. */
    double[] logits(double[][] columns, int count) {
        double[] out = new double[count];
        java.util.Arrays.fill(out, bias);
        for (int i = 0; i < weights.length; i++) {
            for (int t = 0; t < count; t++) {
                out[t] += weights[i] * columns[i][t];
            }
        }
        return out;
    }

    /** The model on encrypted columns, as the scoring pool runs it (scores come out at the inputs' scale, one level lower). */
    Ciphertext scoreEncrypted(Evaluator evaluator, Ciphertext[] columns) {
        return evaluator.linearScore(columns, weights, bias);
    }

    static double sigmoid(double logit) {
        return 1.0 / (1.0 + Math.exp(-logit));
    }
}
