/**
 * {@code umbra model train|import-pmml}: trains the fraud models on generated traffic (or imports one
 * from PMML) and writes them as artifacts signed with the model owner's key, with the public key to pin.
 */
package io.umbra.cli.model;
