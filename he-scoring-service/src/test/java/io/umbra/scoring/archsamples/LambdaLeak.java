package io.umbra.scoring.archsamples;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.KeyGenerator;

import java.util.function.Function;
import java.util.function.Supplier;

/** Offending on purpose (test only): makes a key and decrypts inside lambdas handed to JDK interfaces. */
public final class LambdaLeak {
    public static Object run(CkksContext context, Ciphertext ct) {
        Supplier<KeyGenerator> keys = () -> new KeyGenerator(context);
        Function<Ciphertext, Object> peek = c -> new Decryptor(context, keys.get().secretKey()).decrypt(c);
        return peek.apply(ct);
    }
}
