package org.cfs.backup.process;

import java.nio.charset.StandardCharsets;

/** Counts the bytes of a stream and keeps its last ones (a dump's "-- Dump completed" trailer), in bounded memory. */
public final class StreamTail implements ObservedInputStream.Observer {
    private final byte[] tail;
    private int len;
    private long count;

    public StreamTail(int keep) {
        this.tail = new byte[keep];
    }

    @Override
    public synchronized void seen(byte[] b, int off, int n) {
        count += n;
        if (n >= tail.length) {
            System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
            len = tail.length;
            return;
        }
        int keep = Math.min(len, tail.length - n);
        System.arraycopy(tail, len - keep, tail, 0, keep);
        System.arraycopy(b, off, tail, keep, n);
        len = keep + n;
    }

    /** How many bytes passed. */
    public synchronized long count() {
        return count;
    }

    /** The last bytes, as UTF-8 text. */
    public synchronized String text() {
        return new String(tail, 0, len, StandardCharsets.UTF_8);
    }
}
