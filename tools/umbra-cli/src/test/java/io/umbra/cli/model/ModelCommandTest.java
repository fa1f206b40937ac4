package io.umbra.cli.model;

import static io.umbra.cli.CommandRun.umbra;
import io.umbra.cli.CommandRun;

import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.ModelRefusedException;
import io.umbra.model.SignedModelCard;
import io.umbra.model.SignedModel;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code umbra model train} and {@code import-pmml} end to end, on a small set. */
class ModelCommandTest {



    @Test
    void trainWritesSignedModelsThatTheScorersLoaderAcceptsAndPrintsTheFigures(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("models");
        Path owner = dir.resolve("owner");
        CommandRun run = umbra("model", "train", "--transactions", "12000", "--fraud-rate", "0.02", "--seed", "5", "--epochs", "3",
                "--out", out.toString(), "--signing-key", owner.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("ROC-AUC") && run.out().contains("PR-AUC") && run.out().contains("false positives"), run.out());
        BundleVerifier pinned = BundleVerifier.fromKeyset(Files.readString(out.resolve("model-verification.json")));
        LogisticModel lr = SignedModel.loadLogistic(out.resolve("logistic.json"), pinned);
        ModelArtifact nn = SignedModel.load(out.resolve("network.json"), pinned);
        assertEquals("square", nn.network().activation());
        assertEquals(lr.featureSchemaVersion(), nn.featureSchemaVersion());

        assertEquals(1, nn.featureSchemaVersion(), "feature schema 1 is the default");
        // beside each model its signed card: the threshold chosen for the stated precision, for the banks' alert-services
        ModelCard card = SignedModelCard.load(out.resolve("network.card.json"), pinned);
        assertEquals(nn.threshold().logit(), card.thresholdLogit());
        assertTrue(card.thresholdRule().startsWith("lowest logit with precision ≥ 0.95 on the calibration set"), card.thresholdRule());
        assertEquals(SignedModel.load(out.resolve("logistic.json"), pinned).threshold().logit(),
                SignedModelCard.load(out.resolve("logistic.card.json"), pinned).thresholdLogit());

        // a second run signs with the same owner key (created once, never replaced); this one on feature schema 2
        CommandRun again = umbra("model", "train", "--transactions", "3000", "--fraud-rate", "0.02", "--seed", "6", "--epochs", "1",
                "--feature-schema", "2", "--out", dir.resolve("models2").toString(), "--signing-key", owner.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("feature schema 2: 27 features"), again.out());
        ModelArtifact v2 = SignedModel.load(dir.resolve("models2/network.json"), pinned);
        assertEquals(2, v2.featureSchemaVersion());
        assertEquals(27, v2.scaler().mean().length);
        assertEquals(2, SignedModel.loadLogistic(dir.resolve("models2/logistic.json"), pinned).featureSchemaVersion());
        CommandRun unknown = umbra("model", "train", "--transactions", "3000", "--feature-schema", "4", "--out", dir.resolve("models4").toString(),
                "--signing-key", owner.toString());
        assertTrue(unknown.exitCode() != 0 && unknown.err().contains("--feature-schema must be 1, 2 or 3"), unknown.err());
        assertEquals(Files.readString(out.resolve("model-verification.json")),
                Files.readString(dir.resolve("models2/model-verification.json")));

        // a changed weight in the file is refused by the scorer's loader
        String text = Files.readString(out.resolve("network.json"));
        String tampered = text.replaceFirst("\"outputBias\" : (-?[0-9])", "\"outputBias\" : 1$1");
        assertTrue(!tampered.equals(text));
        Files.writeString(out.resolve("network.json"), tampered, StandardCharsets.UTF_8);
        assertThrows(ModelRefusedException.class, () -> SignedModel.load(out.resolve("network.json"), pinned));
    }

    @Test
    void importPmmlWritesASignedModelOrRefusesNamingTheElement(@TempDir Path dir) throws Exception {
        String pmml = """
                <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
                  <Header/>
                  <DataDictionary>
                    <DataField name="y" optype="categorical" dataType="integer"><Value value="0"/><Value value="1"/></DataField>
                    <DataField name="cross_border" optype="continuous" dataType="double"/>
                  </DataDictionary>
                  <RegressionModel functionName="classification" normalizationMethod="logit">
                    <MiningSchema><MiningField name="y" usageType="target"/><MiningField name="cross_border"/></MiningSchema>
                    <RegressionTable targetCategory="1" intercept="-3"><NumericPredictor name="cross_border" coefficient="2.5"/></RegressionTable>
                    <RegressionTable targetCategory="0" intercept="0"/>
                  </RegressionModel>
                </PMML>
                """;
        Path file = dir.resolve("lr.pmml");
        Files.writeString(file, pmml);
        CommandRun ok = umbra("model", "import-pmml", file.toString(), "--out", dir.resolve("m").toString(), "--model-id", "bank-lr",
                "--signing-key", dir.resolve("owner").toString());
        assertEquals(0, ok.exitCode(), ok.err());
        BundleVerifier pinned = BundleVerifier.fromKeyset(Files.readString(dir.resolve("m/model-verification.json")));
        assertEquals(2.5, SignedModel.loadLogistic(dir.resolve("m/bank-lr.json"), pinned).weight("cross_border"));

        Files.writeString(file, pmml.replace("normalizationMethod=\"logit\"", "normalizationMethod=\"softmax\""));
        CommandRun refused = umbra("model", "import-pmml", file.toString(), "--out", dir.resolve("m").toString(), "--signing-key",
                dir.resolve("owner").toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().startsWith("umbra model import-pmml: RegressionModel: attribute normalizationMethod=softmax"),
                refused.err());
    }
}
