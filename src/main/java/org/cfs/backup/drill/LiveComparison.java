package org.cfs.backup.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares snapshot files with the live source on a thread of its own, so that reading the live
 * disk overlaps reading the snapshot. A live file whose size and mtime equal the snapshot's has
 * not been changed through the filesystem since the backup: if its bytes differ all the same,
 * the disk or the backup rotted silently.
 */
final class LiveComparison implements AutoCloseable {
    private final Problems problems;
    private final ThreadPoolExecutor pool;
    final AtomicLong compared = new AtomicLong();
    /** Comparisons started early (large files). */
    final AtomicLong started = new AtomicLong();
    /**
     * One direct read buffer per comparing thread (the pool's, or the tar reader's when the queue is
     * full): the live file goes from the page cache into it and is hashed there, with no copy into
     * the heap, which leaves more of the CPU to restic dump.
     */
    private final ThreadLocal<java.nio.ByteBuffer> buffers =
            ThreadLocal.withInitial(() -> java.nio.ByteBuffer.allocateDirect(1 << 20));

    LiveComparison(Problems problems) {
        this.problems = problems;
        // a short bounded queue: when the live disk is slower, the tar reader waits (runs the check itself)
        this.pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "drill-live");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    void submit(Path live, String snapshotPath, long size, long mtimeNanos, long snapshotHash) {
        pool.execute(() -> compare(live, snapshotPath, size, mtimeNanos, snapshotHash));
    }

    /**
     * Starts hashing the live copy of a large file now, while the tar reader is still reading the
     * snapshot's bytes of it (the two overlap, also for the last file of a drill); the comparison
     * follows when the reader hands over the snapshot's fingerprint. Null when the queue is full:
     * the caller then uses {@link #submit} as for any file.
     */
    Early early(Path live, String snapshotPath, long size, long mtimeNanos) {
        if (pool.getQueue().remainingCapacity() == 0) {
            return null; // never run this one on the caller's thread: it would wait for itself
        }
        started.incrementAndGet();
        Early e = new Early();
        pool.execute(() -> compare(live, snapshotPath, size, mtimeNanos, e.snapshotHash));
        return e;
    }

    /** The snapshot side of an early comparison: exactly one of its methods must be called. */
    static final class Early {
        private final java.util.concurrent.CompletableFuture<Long> snapshotHash = new java.util.concurrent.CompletableFuture<>();

        /** The snapshot's bytes of the file were read whole: compare. */
        void snapshotRead(long fingerprint) {
            snapshotHash.complete(fingerprint);
        }

        /** They were not (a short entry, a broken stream): nothing to compare. */
        void abandon() {
            snapshotHash.cancel(false);
        }
    }

    private void compare(Path live, String snapshotPath, long size, long mtimeNanos, long snapshotHash) {
        compare(live, snapshotPath, size, mtimeNanos, java.util.concurrent.CompletableFuture.completedFuture(snapshotHash));
    }

    private void compare(Path live, String snapshotPath, long size, long mtimeNanos,
                         java.util.concurrent.CompletableFuture<Long> snapshotHash) {
        try {
            BasicFileAttributes a = Files.readAttributes(live, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() != size || a.lastModifiedTime().to(TimeUnit.NANOSECONDS) != mtimeNanos) {
                return; // changed since the backup the ordinary way: nothing to learn
            }
            long h;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(live)) {
                h = Fingerprint.of(ch, buffers.get());
            }
            Long snap;
            try {
                snap = snapshotHash.join();
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.CompletionException e) {
                return; // the snapshot side was not read whole: reported by the tar reader
            }
            compared.incrementAndGet();
            if (h != snap) {
                problems.add(snapshotPath + ": the live file " + live + " has the snapshot's size and mtime but other "
                        + "bytes (silent corruption of the disk or of the backup)");
            }
        } catch (NoSuchFileException e) {
            // deleted since the backup
        } catch (IOException e) {
            problems.add(snapshotPath + ": cannot read the live file " + live + ": " + e.getMessage());
        }
    }

    /** Waits for the comparisons still queued. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(1, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
