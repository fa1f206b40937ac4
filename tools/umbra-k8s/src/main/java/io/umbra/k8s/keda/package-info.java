/**
 * A small typed model of KEDA's {@code keda.sh/v1alpha1} ScaledObject and TriggerAuthentication, written
 * from KEDA's documented spec (keda.sh, "Scaling Deployments" and "Authentication"): only the fields
 * Umbra could use, each with its documented name, so a misspelt field fails to parse instead of being
 * dropped by the API server. Documented fields not modelled here (other authentication providers,
 * status) are refused too; add them when a manifest needs them.
 */
package io.umbra.k8s.keda;
