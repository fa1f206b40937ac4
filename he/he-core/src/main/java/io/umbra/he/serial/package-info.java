/**
 * Microsoft SEAL 4.1's binary format for every object the engine exchanges: encryption parameters,
 * ciphertexts (fresh, and seed-compressed symmetric ones whose c1 is regenerated on load), plaintexts,
 * secret and public keys, relinearization and Galois keys, with compression none, zlib or zstd,
 * byte for byte what SEAL and node-seal write. {@link io.umbra.he.serial.Seal} is the whole public
 * face: {@code save}, {@code load…} and {@code inspect}.
 *
 * <p>Everything loaded here may come from an adversary. A load checks each header, bounds every
 * count against the context before allocating, checks every coefficient is reduced, and fails with
 * {@link io.umbra.he.serial.SealFormatException} naming the field, the expected and the found value;
 * it never throws anything else for bad bytes, and never returns an object SEAL itself would refuse.
 */
package io.umbra.he.serial;
