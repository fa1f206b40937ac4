/** {@code umbra tenant}: a bank's deployment put into, taken out of and listed in a Kubernetes cluster. */
package io.umbra.cli.tenant;
