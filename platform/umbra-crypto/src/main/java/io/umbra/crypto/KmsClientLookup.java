package io.umbra.crypto;

import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.KmsClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the Tink {@link KmsClient} for a key URI in Tink's {@link KmsClients} registry, registering on
 * first use the clients Umbra knows: the built-in {@link LocalKmsClient}, and Tink's GCP and AWS
 * clients when their jars are on the classpath. Those are looked up by name, not linked: their cloud
 * SDKs are large, and a bank runs one of them at most.
 */
final class KmsClientLookup {
    private static final Logger LOG = LoggerFactory.getLogger(KmsClientLookup.class);

    /** A cloud KMS Tink supports in a separate artifact, registered reflectively when present. */
    record CloudKms(String prefix, String artifact, String clientClass, String name) {
        boolean isOnClasspath() {
            return load().isPresent();
        }

        Optional<Class<?>> load() {
            try {
                return Optional.of(Class.forName(clientClass, true, KmsClientLookup.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
        }
    }

    static final List<CloudKms> CLOUD_KMS = List.of(
            new CloudKms("gcp-kms://", "com.google.crypto.tink:tink-gcpkms",
                    "com.google.crypto.tink.integration.gcpkms.GcpKmsClient", "Google Cloud KMS"),
            new CloudKms("aws-kms://", "com.google.crypto.tink:tink-awskms",
                    "com.google.crypto.tink.integration.awskms.AwsKmsClient", "AWS KMS"));

    private static boolean localRegistered;
    private static final Set<String> CLOUD_URIS_REGISTERED = new HashSet<>();

    private KmsClientLookup() {
    }

    /** The registered client serving {@code keyUri}; an exception naming what to add if there is none. */
    static synchronized KmsClient clientFor(String keyUri) throws GeneralSecurityException {
        if (!localRegistered) {
            KmsClients.add(new LocalKmsClient());
            localRegistered = true;
        }
        Optional<KmsClient> registered = registeredClient(keyUri);
        if (registered.isPresent()) {
            return registered.get();
        }
        for (CloudKms kms : CLOUD_KMS) {
            if (keyUri.startsWith(kms.prefix())) {
                registerCloudClient(kms, keyUri);
                return registeredClient(keyUri).orElseThrow(() -> new GeneralSecurityException(
                        "the " + kms.name() + " client registered, but does not accept the key URI " + keyUri
                                + "; expected " + kms.prefix() + uriShape(kms)));
            }
        }
        throw new GeneralSecurityException("no KMS client supports key URIs of the scheme '" + LocalKmsClient.schemeOf(keyUri)
                + "'. Supported prefixes: " + supportedPrefixes());
    }

    private static Optional<KmsClient> registeredClient(String keyUri) {
        try {
            return Optional.of(KmsClients.get(keyUri));
        } catch (GeneralSecurityException none) {
            // KmsClients.get throws only when no registered client supports the URI
            return Optional.empty();
        }
    }

    private static void registerCloudClient(CloudKms kms, String keyUri) throws GeneralSecurityException {
        if (CLOUD_URIS_REGISTERED.contains(keyUri)) {
            return;
        }
        Class<?> client = kms.load().orElseThrow(() -> new GeneralSecurityException(
                "the key URI " + keyUri + " needs Tink's " + kms.name() + " client, which is not on the classpath: add the artifact "
                        + kms.artifact() + " (same version as com.google.crypto.tink:tink) to the key-service. Supported prefixes now: "
                        + supportedPrefixes()));
        try {
            Method register = client.getMethod("register", Optional.class, Optional.class);
            // bound to this one key, with the platform's default credentials (workload identity, IRSA)
            register.invoke(null, Optional.of(keyUri), Optional.empty());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new GeneralSecurityException("the " + kms.name() + " client could not start for " + keyUri
                    + " (are the platform's default credentials available to this process?): " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new GeneralSecurityException("the " + kms.name() + " client in " + kms.artifact()
                    + " has no register(Optional, Optional) method: use a Tink release of the 1.x line", e);
        }
        CLOUD_URIS_REGISTERED.add(keyUri);
        LOG.info("registered Tink's {} client for the key {}", kms.name(), keyUri);
    }

    static String supportedPrefixes() {
        return LocalKmsClient.PREFIX + " (built in, development only), " + CLOUD_KMS.stream()
                .map(k -> k.prefix() + " (" + k.name() + ": " + (k.isOnClasspath() ? "client present" : "add " + k.artifact()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String uriShape(CloudKms kms) {
        return kms.prefix().startsWith("gcp")
                ? "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"
                : "arn:aws:kms:<region>:<account>:key/<key-id>";
    }
}
