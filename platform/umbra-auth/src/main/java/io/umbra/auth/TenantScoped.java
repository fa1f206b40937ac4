package io.umbra.auth;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JAX-RS resource (class or method) whose data belongs to the service's one tenant: {@link TenantCheck}
 * then admits only tokens whose {@code tenant} claim is that tenant. Put it beside {@code @RolesAllowed}.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TenantScoped {
}
