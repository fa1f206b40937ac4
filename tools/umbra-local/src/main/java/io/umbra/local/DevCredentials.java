package io.umbra.local;

import io.umbra.auth.Roles;
import io.umbra.auth.TokenIssuer;
import io.umbra.events.TenantId;
import io.umbra.files.SecretFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local run's API credentials: a development token issuer in {@code <run>/credentials/} whose JWK set the
 * ingest-, alert- and key-services verify with ({@code UMBRA_JWT_JWKS}, {@code UMBRA_JWT_ISSUER}), and per tenant an
 * analyst, an admin and a submitter token, each in an owner-only file ({@code <tenant>-analyst.jwt},
 * {@code <tenant>-admin.jwt}, {@code <tenant>-submitter.jwt}),
 * issued afresh at every start and valid for 12 hours. For a laptop, never for a bank: its signing key is unwrapped.
 */
public final class DevCredentials {
    /** The {@code iss} of the local run's tokens. */
    public static final String ISSUER = "umbra-local";
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
    /** How long a sign-in link of the alert page works: a page signed in with it stays signed in as long. */
    public static final Duration PAGE_LINK_LIFETIME = Duration.ofMinutes(30);

    private final TokenIssuer issuer;
    private final Map<TenantId, Path> analystTokens;
    private final Map<TenantId, Path> submitterTokens;
    private final Map<TenantId, Path> adminTokens;

    private DevCredentials(TokenIssuer issuer, Map<TenantId, Path> analystTokens, Map<TenantId, Path> adminTokens,
                           Map<TenantId, Path> submitterTokens) {
        this.submitterTokens = submitterTokens;
        this.issuer = issuer;
        this.analystTokens = analystTokens;
        this.adminTokens = adminTokens;
    }

    /** Creates (or reuses) the issuer in {@code dir} and writes every tenant's two tokens there. */
    public static DevCredentials create(Path dir, List<TenantId> tenants) {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        Map<TenantId, Path> analysts = new LinkedHashMap<>();
        Map<TenantId, Path> admins = new LinkedHashMap<>();
        Map<TenantId, Path> submitters = new LinkedHashMap<>();
        for (TenantId t : tenants) {
            submitters.put(t, write(dir.resolve(t.value() + "-submitter.jwt"),
                    issuer.issue(t.value(), t.value() + "-submitter", Set.of(Roles.SUBMITTER), TOKEN_LIFETIME)));
            analysts.put(t, write(dir.resolve(t.value() + "-analyst.jwt"),
                    issuer.issue(t.value(), t.value() + "-analyst", Set.of(Roles.ANALYST), TOKEN_LIFETIME)));
            admins.put(t, write(dir.resolve(t.value() + "-admin.jwt"),
                    issuer.issue(t.value(), t.value() + "-admin", Set.of(Roles.ADMIN), TOKEN_LIFETIME)));
        }
        return new DevCredentials(issuer, Map.copyOf(analysts), Map.copyOf(admins), Map.copyOf(submitters));
    }

    /** The file holding {@code tenant}'s submitter token (role submitter: POST /transactions of its ingest-service). */
    public Path submitterToken(TenantId tenant) {
        return require(submitterTokens, tenant);
    }

    /** The submitter token itself, for an {@code Authorization: Bearer} header. */
    public String submitterBearer(TenantId tenant) {
        return read(submitterToken(tenant));
    }

    /** What the ingest-, alert- and key-services need to verify these tokens. */
    public Map<String, String> serviceEnv() {
        return Map.of("UMBRA_JWT_JWKS", issuer.jwksFile().toString(), "UMBRA_JWT_ISSUER", issuer.issuer());
    }

    public Path jwksFile() {
        return issuer.jwksFile();
    }

    /** The file holding {@code tenant}'s analyst token (role analyst: reads and acknowledges its alerts). */
    public Path analystToken(TenantId tenant) {
        return require(analystTokens, tenant);
    }

    /** The file holding {@code tenant}'s admin token (role admin: key operations, audit, reading alerts). */
    public Path adminToken(TenantId tenant) {
        return require(adminTokens, tenant);
    }

    /**
     * A one-time sign-in link to {@code tenant}'s alert page at {@code pageUrl}: a fresh analyst token marked as a
     * page link (umbra-auth's {@code TokenIssuer.issuePageLink}: its own {@code jti}), valid for
     * {@link #PAGE_LINK_LIFETIME}, in the URL's fragment ({@code #login=…}). A fragment never reaches a server (no
     * access log, no Referer); the page moves the token into the tab's sessionStorage and out of the address bar
     * at once, and claims it for its browser, after which the alert-service refuses the link anywhere else. Kept in
     * memory only, never in a file: it is for the terminal that started the run.
     */
    public String pageLink(TenantId tenant, String pageUrl) {
        require(analystTokens, tenant);
        return pageUrl + "#login=" + issuer.issuePageLink(tenant.value(), tenant.value() + "-analyst", PAGE_LINK_LIFETIME);
    }

    /** The analyst token itself, for an {@code Authorization: Bearer} header. */
    public String analystBearer(TenantId tenant) {
        return read(analystToken(tenant));
    }

    /** The admin token itself, for an {@code Authorization: Bearer} header. */
    public String adminBearer(TenantId tenant) {
        return read(adminToken(tenant));
    }

    private static String read(Path token) {
        try {
            return Files.readString(token, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path require(Map<TenantId, Path> tokens, TenantId tenant) {
        Path p = tokens.get(tenant);
        if (p == null) {
            throw new IllegalArgumentException("no credentials for tenant " + tenant + " in this run; tenants: " + tokens.keySet());
        }
        return p;
    }

    /** A bearer token is a password: owner-only from the moment the file exists, swapped in whole. */
    private static Path write(Path file, String token) {
        try {
            SecretFiles.replace(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the development token " + file, e);
        }
    }
}
