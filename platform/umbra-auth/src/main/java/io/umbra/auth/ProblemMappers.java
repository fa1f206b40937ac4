package io.umbra.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.Priority;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;

/**
 * The exception mappers every Umbra service shares (Quarkus finds them, like {@link TenantCheck}, through this
 * jar's {@code META-INF/beans.xml}): authentication and authorization failures and JAX-RS's own errors (unknown
 * path, wrong method or media type) all answer as {@link Problem}. Their priority is above Quarkus's built-in
 * mappers for the same exceptions, which answer with an empty body. The services set
 * {@code quarkus.http.auth.proactive=false} so that a refused token reaches these mappers instead of being
 * answered by the HTTP layer before JAX-RS sees the request.
 */
public final class ProblemMappers {
    private ProblemMappers() {
    }

    /** The request path, for {@code instance}; the query string is left out (it may carry more than the caller meant to echo). */
    public static String instance(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    /** No credentials at all, on a resource that needs them. */
    @Provider
    @Priority(Priorities.AUTHENTICATION)
    public static class Unauthorized implements ExceptionMapper<UnauthorizedException> {
        @Context
        UriInfo uri;

        @Override
        public Response toResponse(UnauthorizedException e) {
            return Problem.unauthorized(Problem.NO_TOKEN, "no bearer token: send Authorization: Bearer <JWT>", instance(uri));
        }
    }

    /** A token was presented and refused (SmallRye JWT): expired, or not signed, issued or addressed as this service expects. */
    @Provider
    @Priority(Priorities.AUTHENTICATION)
    public static class AuthenticationFailed implements ExceptionMapper<AuthenticationFailedException> {
        @Context
        UriInfo uri;

        @Override
        public Response toResponse(AuthenticationFailedException e) {
            return Problem.unauthorized(Problem.INVALID_TOKEN, reason(e), instance(uri));
        }

        /**
         * Why the token was refused, in our words only: the verifier's own messages quote claims and key ids,
         * so they are never passed on.
         */
        static String reason(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (expired(t)) {
                    return "token expired: get a fresh one";
                }
            }
            return "token not accepted: not a JWT, or not signed by this tenant's issuer, or not issued for audience umbra";
        }

        /** jose4j's {@code InvalidJwtException.hasExpired()}, found by name so this library needs no jose4j at compile time. */
        private static boolean expired(Throwable t) {
            if (!t.getClass().getSimpleName().equals("InvalidJwtException")) {
                return false;
            }
            try {
                Method hasExpired = t.getClass().getMethod("hasExpired");
                return Boolean.TRUE.equals(hasExpired.invoke(t));
            } catch (ReflectiveOperationException | RuntimeException notThere) {
                return false;
            }
        }
    }

    /** An accepted token without any of the roles the resource allows. */
    @Provider
    @Priority(Priorities.AUTHENTICATION)
    public static class Forbidden implements ExceptionMapper<ForbiddenException> {
        @Context
        UriInfo uri;

        @Context
        ResourceInfo resource;

        @Override
        public Response toResponse(ForbiddenException e) {
            String[] roles = roles(resource);
            String detail = roles.length == 0 ? "the token's roles do not allow this call"
                    : "role " + String.join(" or ", roles) + " required";
            return Problem.of(Problem.MISSING_ROLE, 403, detail, instance(uri)).response().build();
        }

        private static String[] roles(ResourceInfo resource) {
            if (resource == null) {
                return new String[0];
            }
            Method m = resource.getResourceMethod();
            RolesAllowed allowed = m == null ? null : m.getAnnotation(RolesAllowed.class);
            if (allowed == null && resource.getResourceClass() != null) {
                allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
            }
            return allowed == null ? new String[0] : allowed.value();
        }
    }

    /**
     * JAX-RS's own refusals with no body of their own: 404 for an unknown path, 405, 406, 415, a parameter that does
     * not convert, and so on. A response that already has a body is left as it is.
     */
    @Provider
    @Priority(Priorities.USER)
    public static class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Context
        UriInfo uri;

        @Override
        public Response toResponse(WebApplicationException e) {
            Response given = e.getResponse();
            if (given != null && given.hasEntity()) {
                return given;
            }
            int status = given == null ? 500 : given.getStatus();
            String type = switch (status) {
                case 400 -> Problem.INVALID_REQUEST;
                case 404 -> Problem.NOT_FOUND;
                default -> Problem.BLANK;
            };
            String detail = switch (status) {
                case 400 -> "the request is malformed: check its parameters and body";
                case 404 -> "no such resource: check the path";
                case 405 -> "this method is not allowed on this path";
                case 406 -> "no representation in an accepted media type: accept application/json";
                case 415 -> "unsupported media type: send application/json";
                default -> status >= 500 ? "the service failed to answer; try again later" : "the request was refused";
            };
            Response.ResponseBuilder out = Problem.of(type, status, detail, instance(uri)).response();
            if (given != null) {
                given.getHeaders().forEach((name, values) -> {
                    if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                        values.forEach(v -> out.header(name, v));
                    }
                });
            }
            return out.build();
        }
    }
}
