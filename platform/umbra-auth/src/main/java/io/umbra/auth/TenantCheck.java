package io.umbra.auth;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.security.Principal;

/**
 * The one tenant check of every bank-zone API: on a {@link TenantScoped} resource, the caller's verified JWT
 * must name this service's tenant ({@code UMBRA_TENANT}) in its {@code tenant} claim. It runs before the
 * resource, so a token of another bank gets the same 403 problem whatever it asks for: the answer (which names
 * the token's tenant and this one, nothing else) cannot tell whether an alert id exists. No identity at all is 401 (SmallRye JWT already refused a bad token).
 *
 * <p>Quarkus finds this provider in the umbra-auth jar through its {@code META-INF/beans.xml}.
 */
@Provider
@TenantScoped
@Priority(Priorities.AUTHORIZATION)
public class TenantCheck implements ContainerRequestFilter {
    /** The claim that binds a token to one bank. */
    public static final String TENANT_CLAIM = "tenant";

    private static final Logger LOG = Logger.getLogger(TenantCheck.class);

    private final String tenant;

    /** The tenant is the service's own {@code umbra.tenant} ({@code UMBRA_TENANT}), read as a plain property so this library owns no part of the service's config mapping. */
    @Inject
    public TenantCheck(@ConfigProperty(name = "umbra.tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalStateException("umbra.tenant (UMBRA_TENANT) is required for the tenant check");
        }
        this.tenant = tenant;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Principal caller = request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
        if (caller == null) {
            request.abortWith(Problem.unauthorized(Problem.NO_TOKEN, "no bearer token: send Authorization: Bearer <JWT>",
                    ProblemMappers.instance(request.getUriInfo())));
            return;
        }
        String claimed = caller instanceof JsonWebToken jwt ? tenantOf(jwt) : null;
        if (!tenant.equals(claimed)) {
            // the path is not logged: it may carry an id the caller had no right to ask about
            LOG.debugf("refused a token of tenant %s at the %s service", claimed == null ? "(none)" : claimed, tenant);
            String detail = claimed == null ? "token has no tenant claim; this is " + tenant
                    : "token issued for tenant " + claimed + ", this is " + tenant;
            request.abortWith(Problem.of(Problem.WRONG_TENANT, 403, detail, ProblemMappers.instance(request.getUriInfo())).response().build());
        }
    }

    /** The {@code tenant} claim as text, or null when absent or not a string. */
    static String tenantOf(JsonWebToken jwt) {
        Object value = jwt.getClaim(TENANT_CLAIM);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value instanceof String s ? s : null;
    }
}
