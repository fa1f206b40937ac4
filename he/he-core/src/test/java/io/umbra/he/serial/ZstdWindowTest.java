package io.umbra.he.serial;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zstd decoder's window is bounded by the largest object of the kind being read, not zstd's 128 MiB default. */
class ZstdWindowTest {
    @Test
    void theWindowFollowsTheObjectsMaximumSize() {
        assertEquals(10, ZstdCodec.windowLogFor(1));
        assertEquals(10, ZstdCodec.windowLogFor(1024));
        assertEquals(18, ZstdCodec.windowLogFor(131_185)); // a set (b) ciphertext: just over 2^17
        assertEquals(17, ZstdCodec.windowLogFor(1 << 17));
        assertEquals(18, ZstdCodec.windowLogFor((1 << 17) + 1));
        assertEquals(27, ZstdCodec.windowLogFor(Long.MAX_VALUE));
    }

    @Test
    void aFrameAskingForALargerWindowThanTheObjectCanNeedIsRefused() throws IOException {
        byte[] body = new byte[4096];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + (i >> 7));
        }
        // a frame written without a pledged size and with a 2^27 window: what a hostile writer would send
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStreamNoFinalizer out = new ZstdOutputStreamNoFinalizer(bytes)) {
            out.setLevel(3);
            out.setLong(27);
            out.write(body);
        }
        byte[] frame = bytes.toByteArray();
        SealFormatException e = assertThrows(SealFormatException.class,
                () -> ZstdCodec.decompress(frame, 0, frame.length, body.length, "test object"));
        assertTrue(e.getMessage().contains("cannot be decompressed"), e.getMessage());
        // the same body in SEAL's own framing (size pledged) decompresses under the same bound
        byte[] seal = ZstdCodec.compress(body);
        assertArrayEquals(body, ZstdCodec.decompress(seal, 0, seal.length, body.length, "test object"));
    }
}
