package org.cfs.backup.process;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that shows every chunk read through it to an observer: the one place where a
 * stream is counted, its last bytes kept or its rows counted as it passes (a dump's trailer, a
 * progress line, a MariaDB dump's tables), instead of one {@code FilterInputStream} copy each.
 */
public final class ObservedInputStream extends FilterInputStream {
    /** Sees each chunk read, in order, once. */
    @FunctionalInterface
    public interface Observer {
        void seen(byte[] b, int off, int n);
    }

    private final Observer observer;

    public ObservedInputStream(InputStream in, Observer observer) {
        super(in);
        this.observer = observer;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            observer.seen(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            observer.seen(b, off, n);
        }
        return n;
    }

    /** Reads what is skipped, so that the observer sees every byte (a count stays right). */
    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
