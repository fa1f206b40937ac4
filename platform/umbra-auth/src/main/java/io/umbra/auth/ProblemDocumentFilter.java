package io.umbra.auth;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * Writes into every Umbra service's OpenAPI document what {@link Problem} and {@link ProblemMappers} do at run time,
 * once for all services: the {@code Problem} schema (RFC 9457) under components, and for every operation its error
 * responses as {@code application/problem+json} of that schema, including the 401 and 403 that SmallRye OpenAPI
 * adds to operations guarded by {@code @RolesAllowed}. A service registers it with
 * {@code mp.openapi.filter=io.umbra.auth.ProblemDocumentFilter}; nothing here runs per request.
 */
public final class ProblemDocumentFilter implements OASFilter {
    /** The schema's name under {@code components/schemas}. */
    public static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                describeErrors(operation);
            }
        }
    }

    private static void describeErrors(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        boolean guarded = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        if (guarded) {
            responses.addAPIResponse("401", response(responses.getAPIResponse("401"),
                    "no bearer token, or one that is not accepted (expired, wrong issuer or audience, bad signature)"));
            responses.addAPIResponse("403", response(responses.getAPIResponse("403"),
                    "the token is for another bank (tenant claim) or lacks the role this operation needs"));
        }
        Map<String, APIResponse> all = responses.getAPIResponses();
        if (all == null) {
            return;
        }
        for (Map.Entry<String, APIResponse> e : List.copyOf(all.entrySet())) {
            String code = e.getKey();
            if (code.startsWith("4") || code.startsWith("5")) {
                responses.addAPIResponse(code, response(e.getValue(), null));
            }
        }
    }

    /** {@code existing} (or a new response) whose content is problem+json of {@link #SCHEMA}. */
    private static APIResponse response(APIResponse existing, String description) {
        APIResponse r = existing != null ? existing : OASFactory.createAPIResponse();
        if (r.getDescription() == null || r.getDescription().isBlank() || description != null && isGeneric(r.getDescription())) {
            r.setDescription(description != null ? description : "an error, described by its problem detail");
        }
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA)));
        if (r.getContent() != null && r.getContent().getMediaTypes() != null) {
            // a resource that documents its own error body keeps it, under problem+json (the only type Umbra answers)
            r.getContent().getMediaTypes().values().stream().filter(m -> m.getSchema() != null).findFirst()
                    .ifPresent(m -> content.getMediaType(Problem.MEDIA_TYPE).setSchema(m.getSchema()));
        }
        r.setContent(content);
        return r;
    }

    private static boolean isGeneric(String description) {
        return description.equals("Not Authorized") || description.equals("Not Allowed");
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details: every error of an Umbra API. The detail says what to do; "
                        + "it never carries a token, a key or a library's exception text.")
                .addRequired("type").addRequired("title").addRequired("status").addRequired("detail")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri-reference")
                        .description("urn:umbra:problem:<kind> (no-token, invalid-token, wrong-tenant, missing-role, "
                                + "invalid-request, not-found, conflict, too-large, unavailable) or about:blank"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("the kind, in words; the same for every problem of one type"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .description("the HTTP status"))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("why, for this request, written for the caller to act on"))
                .addProperty("instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .format("uri-reference").description("the request's path"))
                .additionalPropertiesBoolean(Boolean.TRUE);
    }
}
