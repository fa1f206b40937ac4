/**
 * The {@code umbra} command line: a thin picocli face over Umbra's libraries, for developers and for
 * a bank's engineers who want to see the engine work on their own machine. Commands parse arguments,
 * call the library and print; they hold no cryptography of their own.
 */
package io.umbra.cli;
