/** {@code umbra local}: the whole pipeline on this machine, with generated traffic. */
package io.umbra.cli.local;
