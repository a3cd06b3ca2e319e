package org.cfs.backup.drill;

import java.io.IOException;
import java.io.InputStream;
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
    /** One read buffer per comparing thread (the pool's, or the tar reader's when the queue is full). */
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[1 << 20]);

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

    private void compare(Path live, String snapshotPath, long size, long mtimeNanos, long snapshotHash) {
        try {
            BasicFileAttributes a = Files.readAttributes(live, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() != size || a.lastModifiedTime().to(TimeUnit.NANOSECONDS) != mtimeNanos) {
                return; // changed since the backup the ordinary way: nothing to learn
            }
            long h;
            try (InputStream in = Files.newInputStream(live)) {
                h = Fingerprint.of(in, buffers.get());
            }
            compared.incrementAndGet();
            if (h != snapshotHash) {
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
