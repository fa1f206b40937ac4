/** A small model of the Prometheus Operator's PodMonitor, as its documentation defines the fields Umbra sets. */
package io.umbra.k8s.monitoring;
