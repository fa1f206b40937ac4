package io.umbra.keys;

import io.umbra.auth.Roles;
import io.umbra.auth.TenantScoped;
import jakarta.annotation.security.RolesAllowed;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /keys}: the tenant's key versions, public facts only — never a secret byte, never a wrapped
 * one. {@code POST /keys/rotate}: the next version. {@code GET /keys/verification-key}: what to pin.
 */
@Path("/keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@TenantScoped
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

    /**
     * Rotates to a new key version and publishes its signed bundle. 201 with the new version; 503 while
     * the service is not connected to Kafka yet.
     */
    @POST
    @Path("/rotate")
    public Response rotate(@Context SecurityContext security) {
        String who = security == null || security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        int previous = service.keys().current().version();
        try {
            KeyVersion next = service.rotate(who);
            return Response.status(Response.Status.CREATED)
                    .entity(new Rotation(service.tenant().value(), previous, next.version(), "sha256:" + next.publicKeyFingerprint()))
                    .build();
        } catch (IllegalStateException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(new Problem(e.getMessage())).build();
        }
    }

    /** The public half of the bundle-signing key (Tink JSON) and its fingerprint: what provisioning pins. */
    @GET
    @Path("/verification-key")
    public VerificationKey verificationKey() {
        TenantKeyStore store = service.keys();
        return new VerificationKey(store.tenant().value(), store.verificationKeyFingerprint(), store.verificationKeyset());
    }

    private static VersionView describe(KeyVersion v) {
        return new VersionView(v.version(), v.createdAt(),
                new Parameters(v.parameterSet().label(), v.context().n(), v.primeBits(), v.parameterSet().log2Scale(),
                        v.parameterSet().scale(), v.context().slotCount()),
                v.hasRelinKeys(), "sha256:" + v.publicKeyFingerprint(), v.bundleBytes());
    }

    public record Rotation(String tenant, int previousVersion, int currentVersion, String publicKeyFingerprint) {
    }

    public record VerificationKey(String tenant, String fingerprint, String keyset) {
    }

    public record Problem(String message) {
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
