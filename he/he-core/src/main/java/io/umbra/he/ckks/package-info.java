/**
 * CKKS on an RNS basis, with SEAL 4.1's nouns and semantics: {@link io.umbra.he.ckks.EncryptionParameters},
 * {@link io.umbra.he.ckks.CkksContext} (the modulus chain and its parms_ids), {@link io.umbra.he.ckks.CkksEncoder},
 * {@link io.umbra.he.ckks.KeyGenerator}, {@link io.umbra.he.ckks.Encryptor}, {@link io.umbra.he.ckks.Decryptor} and
 * {@link io.umbra.he.ckks.Evaluator}. Polynomials are flat {@code long[]} in SEAL's order (polynomial,
 * then prime, then coefficient) and always in NTT form, as SEAL keeps CKKS data, so that the bytes
 * written by {@code io.umbra.he.serial} are SEAL's bytes.
 */
package io.umbra.he.ckks;
