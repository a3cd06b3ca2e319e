package org.cfs.backup.drill;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A 64-bit content fingerprint (CRC-32C and CRC-32, two different polynomials) for comparing a
 * snapshot file with its live copy. It catches rot, not an adversary: the snapshot's own bytes
 * are verified cryptographically by restic (SHA-256 blob ids and MACs) while it dumps them. Both
 * CRCs are CPU intrinsics, so hashing stays far faster than restic can decrypt, even under the
 * launcher's C1-only JIT, where SHA-256 runs at about 100 MiB/s.
 */
final class Fingerprint {
    private final CRC32C c1 = new CRC32C();
    private final CRC32 c2 = new CRC32();

    void update(byte[] b, int off, int len) {
        c1.update(b, off, len);
        c2.update(b, off, len);
    }

    /** Adds the buffer's remaining bytes (a direct buffer is hashed where it is, without a copy). */
    void update(java.nio.ByteBuffer b) {
        int pos = b.position();
        c1.update(b);
        b.position(pos);
        c2.update(b);
    }

    long value() {
        return (c1.getValue() << 32) | c2.getValue();
    }

    /**
     * Fingerprints a file read into the caller's direct buffer (reused across files): one copy from
     * the page cache, none into the Java heap.
     */
    static long of(java.nio.channels.FileChannel ch, java.nio.ByteBuffer buf) throws IOException {
        Fingerprint f = new Fingerprint();
        while (true) {
            buf.clear();
            if (ch.read(buf) < 0) {
                break;
            }
            buf.flip();
            f.update(buf);
        }
        return f.value();
    }
}
