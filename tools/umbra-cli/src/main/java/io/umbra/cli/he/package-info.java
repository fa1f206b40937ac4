/**
 * {@code umbra he}: the CKKS engine (he-core) by hand — parameters, keys, encryption, encrypted
 * linear scoring, decryption — one subcommand per step, each a class in this package.
 */
package io.umbra.cli.he;
