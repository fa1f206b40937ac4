package com.google.crypto.tink.integration.awskms;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.KmsClients;
import com.google.crypto.tink.RegistryConfiguration;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test stand-in for Tink's AWS KMS client (artifact tink-awskms), with the same class name and static
 * {@code register(Optional, Optional)}: proves that umbra-crypto finds and registers the client when its
 * class is on the classpath. Each key ARN gets its own real AES-256-GCM key held here, as AWS would hold it.
 */
public final class AwsKmsClient implements KmsClient {
    private static final String PREFIX = "aws-kms://";
    /** What register was called with: the key URI and the credential path, for the test to check. */
    public static final List<List<Optional<String>>> REGISTRATIONS = new ArrayList<>();
    private static final Map<String, Aead> KEYS = new ConcurrentHashMap<>();

    private final String keyUri;

    private AwsKmsClient(String keyUri) {
        this.keyUri = keyUri;
    }

    public static synchronized void register(Optional<String> keyUri, Optional<String> credentialPath) {
        REGISTRATIONS.add(List.of(keyUri, credentialPath));
        KmsClients.add(new AwsKmsClient(keyUri.orElse(null)));
    }

    @Override
    public boolean doesSupport(String uri) {
        return uri != null && uri.startsWith(PREFIX) && (keyUri == null || keyUri.equals(uri));
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
        return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
        return this;
    }

    @Override
    public Aead getAead(String uri) throws GeneralSecurityException {
        if (!doesSupport(uri)) {
            throw new GeneralSecurityException("not this client's key");
        }
        Aead key = KEYS.get(uri);
        if (key == null) {
            key = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM")).getPrimitive(RegistryConfiguration.get(), Aead.class);
            Aead raced = KEYS.putIfAbsent(uri, key);
            key = raced == null ? key : raced;
        }
        return key;
    }
}
