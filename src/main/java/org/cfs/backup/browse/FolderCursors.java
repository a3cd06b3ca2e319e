package org.cfs.backup.browse;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.restic.Restic;

/**
 * Open {@code restic ls} runs of one folder, parked between two pages: restic blocks on its full
 * stdout pipe while nobody reads, so the next page (asked with {@code after} = the last name of this
 * one) continues where this one stopped instead of reading the folder's tree again and skipping.
 * At most {@link #MAX_OPEN} are kept, each for {@link #IDLE} unread; then restic is stopped (its
 * stdout is closed). Memory: a queue of {@link #QUEUE} nodes a cursor.
 */
final class FolderCursors {
    static final int MAX_OPEN = 4;
    static final Duration IDLE = Duration.ofSeconds(60);
    static final int QUEUE = 256;
    private static final Object END = new Object();

    /** One running {@code restic ls} of a folder, read node by node. */
    static final class Cursor {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean closed;
        private Restic.LsNode pushedBack;
        private long parkedAt;

        private Cursor(Restic restic, String snapshotId, String path) {
            Thread t = new Thread(() -> {
                Object last = END;
                try {
                    restic.lsFolder(snapshotId, path, n -> {
                        while (!closed) {
                            try {
                                if (queue.offer(n, 200, TimeUnit.MILLISECONDS)) {
                                    return;
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                break;
                            }
                        }
                        throw new Stopped();
                    });
                } catch (Stopped e) {
                    return;
                } catch (RuntimeException e) {
                    last = e;
                }
                while (!closed) {
                    try {
                        if (queue.offer(last, 200, TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "cfs-ls-cursor");
            t.setDaemon(true);
            t.start();
        }

        /** The next node, or null when restic has listed everything. */
        Restic.LsNode next() {
            if (pushedBack != null) {
                Restic.LsNode n = pushedBack;
                pushedBack = null;
                return n;
            }
            Object o;
            try {
                o = queue.poll(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CfsException(ExitCode.INTERRUPTED, "interrupted while listing");
            }
            if (o == null) {
                close();
                throw new CfsException(ExitCode.FAILED, "restic ls gave nothing for 10 minutes");
            }
            if (o == END) {
                closed = true;
                return null;
            }
            if (o instanceof RuntimeException e) {
                closed = true;
                throw e;
            }
            return (Restic.LsNode) o;
        }

        /** Keeps a node for the next {@link #next()} (the first of the next page). */
        void pushBack(Restic.LsNode n) {
            pushedBack = n;
        }

        /** Stops restic (at its next write) and drops what is queued. */
        void close() {
            closed = true;
            queue.clear();
        }
    }

    /** Thrown inside restic's output reader to stop it once the cursor is closed. */
    private static final class Stopped extends CfsException {
        Stopped() {
            super(ExitCode.OK, "cursor closed");
        }
    }

    private final Map<String, Cursor> parked = new LinkedHashMap<>();
    private java.util.concurrent.ScheduledExecutorService reaper;

    private static String key(String snapshotId, String path, String after) {
        return snapshotId + '\0' + path + '\0' + after;
    }

    Cursor open(Restic restic, String snapshotId, String path) {
        return new Cursor(restic, snapshotId, path);
    }

    /** The cursor parked after the page that ended with {@code after}, or null. */
    synchronized Cursor take(String snapshotId, String path, String after) {
        expire();
        return parked.remove(key(snapshotId, path, after));
    }

    synchronized void park(String snapshotId, String path, String after, Cursor c) {
        expire();
        c.parkedAt = System.nanoTime();
        if (reaper == null) {
            reaper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cfs-ls-cursor-reaper");
                t.setDaemon(true);
                return t;
            });
            reaper.scheduleWithFixedDelay(this::expire, 15, 15, TimeUnit.SECONDS);
        }
        Cursor old = parked.put(key(snapshotId, path, after), c);
        if (old != null) {
            old.close();
        }
        while (parked.size() > MAX_OPEN) {
            Iterator<Cursor> it = parked.values().iterator();
            it.next().close();
            it.remove();
        }
    }

    /** Closes cursors unread for longer than {@link #IDLE}; also called by a timer. */
    synchronized void expire() {
        long now = System.nanoTime();
        parked.values().removeIf(c -> {
            if (now - c.parkedAt > IDLE.toNanos()) {
                c.close();
                return true;
            }
            return false;
        });
    }

    synchronized int parkedCount() {
        return parked.size();
    }
}
