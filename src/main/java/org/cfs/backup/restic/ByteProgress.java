package org.cfs.backup.restic;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.cfs.backup.process.ObservedInputStream;
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
            Counting c = new Counting(progress);
            try {
                consumer.accept(new ObservedInputStream(in, c));
            } finally {
                c.report(true);
            }
        };
    }

    /** Counts the bytes read and tells the listener, at most every {@link #EVERY_NANOS}. */
    private static final class Counting implements ObservedInputStream.Observer {
        private final ResticProgress.Listener progress;
        private final long start = System.nanoTime();
        private long bytes;
        private long last;

        Counting(ResticProgress.Listener progress) {
            this.progress = progress;
        }

        @Override
        public void seen(byte[] b, int off, int n) {
            bytes += n;
            report(false);
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
