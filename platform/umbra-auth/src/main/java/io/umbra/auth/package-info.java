/**
 * Who may call a bank-zone REST API. A caller presents a JWT bound to one tenant ({@code tenant} claim)
 * with one or more {@link io.umbra.auth.Roles roles} ({@code groups} claim); each service verifies the
 * signature with SmallRye JWT against the tenant's JWK set, then {@link io.umbra.auth.TenantCheck} refuses
 * any token of another tenant on every {@link io.umbra.auth.TenantScoped} resource, before the resource
 * can say whether anything exists. {@link io.umbra.auth.TokenIssuer} signs development and test tokens
 * with Tink; production tokens come from the bank's own identity provider.
 */
package io.umbra.auth;
