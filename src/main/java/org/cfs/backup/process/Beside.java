package org.cfs.backup.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * One piece of work (a restic listing, an {@code rclone about}) on a thread of its own beside the
 * caller's, so that its child process's start-up overlaps the main one's instead of preceding it.
 * The caller joins it where its result, or the end of its restic lock, is needed; joining twice is
 * free. A failure is rethrown by {@link #join()} as it was thrown.
 */
public final class Beside<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Beside() {
    }

    /** Work already done (nothing to run beside): {@link #join()} answers at once. */
    public static <T> Beside<T> done(T value) {
        Beside<T> b = new Beside<>();
        b.result.complete(value);
        return b;
    }

    /** Starts {@code work} on a daemon thread named {@code cfs-NAME}. */
    public static <T> Beside<T> start(String name, Supplier<T> work) {
        Beside<T> b = new Beside<>();
        Thread t = new Thread(() -> {
            try {
                b.result.complete(work.get());
            } catch (Throwable e) {
                b.result.completeExceptionally(e);
            }
        }, "cfs-" + name);
        t.setDaemon(true);
        t.start();
        return b;
    }

    /** True once the work has ended (well or not). */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits for the work's end (uninterruptibly: its child process is stopped through the shared
     * {@link Cancellation}, so the wait is short) and returns its result or rethrows its failure.
     */
    public T join() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
