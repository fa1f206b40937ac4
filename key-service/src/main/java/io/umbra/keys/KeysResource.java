package io.umbra.keys;

import io.umbra.auth.Problem;
import io.umbra.auth.Roles;
import io.umbra.auth.TenantScoped;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.umbra.crypto.SigningKeyset;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
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
 * {@code POST /keys/signing/rotate?phase=add|promote|retire}: rotate the bundle-signing key; {@code GET /keys/signing}: its state.
 */
@Path("/keys")
@Tag(name = "keys", description = "the bank's CKKS key versions and its bundle-signing key")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@TenantScoped
public class KeysResource {
    private final KeyService service;

    public KeysResource(KeyService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "The key versions", description = "Public facts only: version, parameters, fingerprint, bundle size; never a secret or wrapped byte")
    @APIResponse(responseCode = "200", description = "the versions, the current one first in importance",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Keys.class)))
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
    @Operation(summary = "Rotate to a new key version", description = "The new version's bundle is signed and published; the old one drains, then is destroyed")
    @APIResponse(responseCode = "201", description = "the new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Rotation.class)))
    @APIResponse(responseCode = "503", description = "not connected to Kafka yet; try again")
    public Response rotate(@Context SecurityContext security) {
        String who = security == null || security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        int previous = service.keys().current().version();
        try {
            KeyVersion next = service.rotate(who);
            return Response.status(Response.Status.CREATED)
                    .entity(new Rotation(service.tenant().value(), previous, next.version(), "sha256:" + next.publicKeyFingerprint()))
                    .build();
        } catch (IllegalStateException e) {
            return Problem.of(Problem.UNAVAILABLE, 503, e.getMessage(), "/keys/rotate").response().build();
        }
    }

    /**
     * One phase of a rotation of the bundle-signing key: {@code phase} = {@code add} (a new key, not signing yet;
     * re-pin the answer's keyset), {@code promote} (the new key signs; every live bundle is re-signed and published
     * at once; refused with 409 while the new key is younger than {@code UMBRA_ROTATION_SIGNING_OVERLAP} unless
     * {@code force=true}), {@code retire} (the old key is removed; re-pin the answer's keyset). 200 with the keyset's
     * state, 400 for an unknown phase, 409 when the keyset is not in the state the phase needs, 503 before Kafka.
     */
    @POST
    @Path("/signing/rotate")
    @Operation(summary = "One phase of a bundle-signing key rotation", description = "phase=add, then promote (after UMBRA_ROTATION_SIGNING_OVERLAP, or force=true), then retire; re-pin the keyset after add and retire")
    @APIResponse(responseCode = "200", description = "the signing keyset's state after the phase",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SigningState.class)))
    @APIResponse(responseCode = "400", description = "unknown phase")
    @APIResponse(responseCode = "409", description = "the keyset is not in the state this phase needs (e.g. promote before the overlap)")
    @APIResponse(responseCode = "503", description = "not connected to Kafka yet; try again")
    public Response rotateSigning(@QueryParam("phase") String phase, @QueryParam("force") @DefaultValue("false") boolean force,
                                  @Context SecurityContext security) {
        String who = security == null || security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        SigningKeyset.Phase p;
        try {
            p = SigningKeyset.Phase.parse(phase == null ? "" : phase);
        } catch (IllegalArgumentException e) {
            return Problem.of(Problem.INVALID_REQUEST, 400, e.getMessage(), SIGNING_ROTATE).response().build();
        }
        try {
            KeyService.SigningRotation r = service.rotateSigning(p, force, who);
            return Response.ok(signing(p.name().toLowerCase(java.util.Locale.ROOT), r.state(), r.bundlesRepublished())).build();
        } catch (SigningKeyset.RotationRefused e) {
            return Problem.of(Problem.CONFLICT, 409, e.getMessage(), SIGNING_ROTATE).response().build();
        } catch (IllegalStateException e) {
            return Problem.of(Problem.UNAVAILABLE, 503, e.getMessage(), SIGNING_ROTATE).response().build();
        }
    }

    /** Where a rotation of the bundle-signing key stands. */
    @GET
    @Path("/signing")
    @Operation(summary = "Where a bundle-signing key rotation stands")
    @APIResponse(responseCode = "200", description = "the signing keyset's state",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SigningState.class)))
    public SigningState signingState() {
        return signing(null, service.keys().signingKeyState(), true);
    }

    private SigningState signing(String phase, SigningKeyset.State s, boolean republished) {
        return new SigningState(service.tenant().value(), "bundle", phase, s.keyIds().stream().map(Integer::toUnsignedString).toList(),
                Integer.toUnsignedString(s.primaryKeyId()), s.newKeyId().map(Integer::toUnsignedString).orElse(null),
                s.newKeyAddedAt().orElse(null), s.newKeyAddedAt().map(t -> t.plus(service.signingOverlap())).orElse(null), republished,
                s.fingerprint(), s.verificationKeyset());
    }

    /** The public half of the bundle-signing key (Tink JSON) and its fingerprint: what provisioning pins. */
    @GET
    @Path("/verification-key")
    @Operation(summary = "The bundle-signing public keyset to pin", description = "Tink JSON and its fingerprint, for provisioning")
    @APIResponse(responseCode = "200", description = "the public keyset",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerificationKey.class)))
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

    /**
     * A signing keyset's state: its key ids, the one signing ({@code primaryKeyId}), the one being rotated in and when
     * it was added and may be promoted, and the public keyset to pin (the same fields as {@link VerificationKey}, so
     * {@code ./umbra tenant apply --verification-key} takes this answer as it is).
     */
    public record SigningState(String tenant, String key, String phase, List<String> keyIds, String primaryKeyId, String newKeyId,
                               Instant newKeyAddedAt, Instant promotableFrom, boolean bundlesRepublished, String fingerprint, String keyset) {
    }

    private static final String SIGNING_ROTATE = "/keys/signing/rotate";

    public record Keys(String tenant, int currentVersion, boolean bundlePublished, List<VersionView> versions) {
    }

    public record VersionView(int keyVersion, Instant createdAt, Parameters parameters, boolean relinKeys, String publicKeyFingerprint,
                              int bundleBytes) {
    }

    /** N, the bit sizes of the primes (the special prime last), the encoding scale, the slots per ciphertext. */
    public record Parameters(String set, int polyModulusDegree, List<Integer> primeBits, int log2Scale, double scale, int slots) {
    }
}
