/** {@code umbra load}: the load harness (module load-tests) from the command line. */
package io.umbra.cli.load;
