package io.umbra.he.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads one of he-native's JNI libraries from the classpath: the classifier jar
 * ({@code he-native-<version>-linux-x86_64.jar}) holds {@code io/umbra/he/jni/<platform>/lib<name>.so},
 * which is copied to a private temporary file and loaded from there (a library inside a jar cannot be
 * loaded in place). {@code -Dumbra.he.native.path=/dir} loads from a directory instead. Each library
 * loads at most once per process; a failure is remembered with its reason.
 */
final class NativeLibrary {
    private NativeLibrary() {
    }

    /** The platform folder of this JVM, e.g. "linux-x86_64", or null where none is built. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
    }

    /** What the build recorded (build-status.properties beside the library), empty if nothing is there. */
    static Properties buildStatus() {
        Properties p = new Properties();
        try (InputStream in = NativeLibrary.class.getResourceAsStream("build-status.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no status: treated as not built
        }
        return p;
    }

    private static final java.util.Map<String, String> OUTCOME = new java.util.HashMap<>();

    /** {@link #load} once per process: the same answer on every later call. */
    static synchronized String loadOnce(String name) {
        if (!OUTCOME.containsKey(name)) {
            OUTCOME.put(name, load(name));
        }
        return OUTCOME.get(name);
    }

    /** Loads lib{name}.so; returns null on success, else why it could not. */
    private static String load(String name) {
        String platform = platform();
        if (platform == null) {
            return "no native library for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        }
        String file = "lib" + name + ".so";
        try {
            String dir = System.getProperty("umbra.he.native.path");
            if (dir != null && !dir.isBlank()) {
                System.load(Path.of(dir, file).toAbsolutePath().toString());
                return null;
            }
            String resource = platform + "/" + file;
            try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
                if (in == null) {
                    String reason = buildStatus().getProperty("native.reason");
                    return "io/umbra/he/jni/" + resource + " is not on the classpath (add he-native's "
                        + platform + " classifier jar" + (reason == null ? "" : "; the build said: " + reason) + ")";
                }
                Path tmp = Files.createTempFile(name + "-", ".so");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                System.load(tmp.toString());
            }
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "loading " + file + " failed: " + e.getMessage();
        }
    }
}
