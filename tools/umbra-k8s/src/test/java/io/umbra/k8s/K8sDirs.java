package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The k8s/ directories as kubectl -k reads them: the files a kustomization lists, parsed strictly. */
final class K8sDirs {
    /** The source directory (surefire runs in the module directory). */
    static final Path SOURCE = Path.of("..", "..", "k8s");

    private K8sDirs() {
    }

    static List<HasMetadata> parseDir(String dir) {
        List<HasMetadata> out = new ArrayList<>();
        for (String file : Kustomization.read(dir).resources()) {
            out.addAll(ManifestParser.parseAll(Manifests.read(dir + "/" + file), dir + "/" + file));
        }
        return out;
    }

    /** The .yaml files of a source directory other than its kustomization.yaml. */
    static List<String> yamlFiles(String dir) {
        try (Stream<Path> files = Files.list(SOURCE.resolve(dir))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
