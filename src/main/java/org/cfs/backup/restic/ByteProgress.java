package org.cfs.backup.restic;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.cfs.backup.process.ProcessSpec;

/**
 * Progress for the restic calls that print none in 0.14 (issue 14): the bytes read of a
 * {@code dump} stream, and the bytes a {@code restore} has filled on its target's file system.
 */
final class ByteProgress {
    /** At most this often a listener hears of a stream's bytes. */
    static final long EVERY_NANOS = 250_000_000L;

    private ByteProgress() {
    }

    /** The consumer, reading through a stream that counts its bytes for the listener (null: the consumer as it is). */
    static ProcessSpec.StreamConsumer counting(ProcessSpec.StreamConsumer consumer, ResticProgress.Listener progress) {
        if (progress == null) {
            return consumer;
        }
        return in -> {
            Counting c = new Counting(in, progress);
            try {
                consumer.accept(c);
            } finally {
                c.report(true);
            }
        };
    }

    private static final class Counting extends FilterInputStream {
        private final ResticProgress.Listener progress;
        private final long start = System.nanoTime();
        private long bytes;
        private long last;

        Counting(InputStream in, ResticProgress.Listener progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytes++;
                report(false);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                bytes += n;
                report(false);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            bytes += Math.max(0, s);
            return s;
        }

        void report(boolean last) {
            long now = System.nanoTime();
            if (last || now - this.last >= EVERY_NANOS) {
                this.last = now;
                // at the end the total is known: the last step says 100%, and a renderer always shows it
                progress.progress(new ResticProgress(ResticProgress.BYTES, bytes, last ? bytes : -1,
                        Duration.ofNanos(now - start)));
            }
        }
    }

    /** A ticker that stops with the call it watches. */
    interface Ticker extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Once a second, the bytes the target's file system has filled since the start (its usable
     * space going down); null listener or an unreadable file system: nothing.
     */
    static Ticker watchFilling(Path target, ResticProgress.Listener progress) {
        if (progress == null) {
            return () -> { };
        }
        FileStore store;
        long free0;
        try {
            Path p = target.toAbsolutePath();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            if (p == null) {
                return () -> { };
            }
            store = Files.getFileStore(p);
            free0 = store.getUsableSpace();
        } catch (IOException e) {
            return () -> { };
        }
        long start = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(1000);
                    long filled = Math.max(0, free0 - store.getUsableSpace());
                    progress.progress(new ResticProgress(ResticProgress.BYTES, filled, -1,
                            Duration.ofNanos(System.nanoTime() - start)));
                }
            } catch (InterruptedException | IOException e) {
                // the call ended, or the file system went away: stop telling
            }
        }, "restore-progress");
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }
}
