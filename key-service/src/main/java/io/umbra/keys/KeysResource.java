package io.umbra.keys;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/** {@code GET /keys}: the tenant's key versions, public facts only — never a secret byte, never a wrapped one. */
@Path("/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
    private final KeyService service;

    public KeysResource(KeyService service) {
        this.service = service;
    }

    @GET
    public Keys keys() {
        TenantKeyStore store = service.keys();
        return new Keys(store.tenant().value(), store.current().version(), service.bundlePublished(),
                store.versions().stream().map(KeysResource::describe).toList());
    }

    private static VersionView describe(KeyVersion v) {
        return new VersionView(v.version(), v.createdAt(),
                new Parameters(v.parameterSet().label(), v.context().n(), v.primeBits(), v.parameterSet().log2Scale(),
                        v.parameterSet().scale(), v.context().slotCount()),
                v.hasRelinKeys(), "sha256:" + v.publicKeyFingerprint(), v.bundleBytes());
    }

    public record Keys(String tenant, int currentVersion, boolean bundlePublished, List<VersionView> versions) {
    }

    public record VersionView(int keyVersion, Instant createdAt, Parameters parameters, boolean relinKeys, String publicKeyFingerprint,
                              int bundleBytes) {
    }

    /** N, the bit sizes of the primes (the special prime last), the encoding scale, the slots per ciphertext. */
    public record Parameters(String set, int polyModulusDegree, List<Integer> primeBits, int log2Scale, double scale, int slots) {
    }
}
