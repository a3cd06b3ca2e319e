package org.cfs.backup.backup;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.process.Signals;
import org.cfs.backup.restic.Restic;

/**
 * Watches one restic backup for a remote that stopped answering (restic's "returned error,
 * retrying after" lines): says so every 10 s, and, when a bound is set (the quiesced second pass),
 * once the remote has been silent that long runs the bound action (resume the containers) and
 * then interrupts restic, so that containers never wait on a dead remote.
 */
final class RemoteWatch implements Restic.BackupWatch, AutoCloseable {
    /** No retry line for this long: restic got through (or gave up); the episode is over. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(120);
    static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long reportEveryNanos;
    private final String source;
    private final ProgressListener progress;
    private final long boundNanos;
    private final Runnable onBound;
    private final ScheduledExecutorService tick;
    private volatile Process restic;
    private volatile long since;
    private volatile long last;
    private volatile String lastLine;
    private long lastReport;
    private volatile boolean fired;
    private volatile long firedSeconds;

    /** @param boundSeconds 0 for no bound */
    RemoteWatch(String source, ProgressListener progress, long boundSeconds, Runnable onBound) {
        this(source, progress, boundSeconds, onBound, REPORT_EVERY_NANOS);
    }

    RemoteWatch(String source, ProgressListener progress, long boundSeconds, Runnable onBound, long reportEveryNanos) {
        this.reportEveryNanos = reportEveryNanos;
        this.source = source;
        this.progress = progress;
        this.boundNanos = TimeUnit.SECONDS.toNanos(boundSeconds);
        this.onBound = onBound;
        this.tick = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "remote-watch");
            t.setDaemon(true);
            return t;
        });
        long period = Math.min(1000, Math.max(100, TimeUnit.NANOSECONDS.toMillis(reportEveryNanos) / 2));
        tick.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** restic's and rclone's words for a remote that does not answer. */
    static boolean notAnswering(String line) {
        return line.contains("returned error, retrying after") || line.contains("connection refused")
                || line.contains("connection reset by peer") || line.contains("i/o timeout")
                || line.contains("no route to host");
    }

    @Override
    public void started(Process p) {
        restic = p;
    }

    @Override
    public void stderrLine(String line) {
        if (notAnswering(line)) {
            long now = System.nanoTime();
            if (since == 0) {
                since = now;
                lastReport = now;
            }
            last = now;
            lastLine = line;
        }
    }

    private synchronized void tick() {
        long s = since;
        if (s == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - last > QUIET_NANOS) {
            since = 0;
            return;
        }
        long secs = TimeUnit.NANOSECONDS.toSeconds(now - s);
        if (now - lastReport >= reportEveryNanos) {
            lastReport = now;
            progress.remoteNotAnswering(source, secs, lastLine);
        }
        if (boundNanos > 0 && !fired && now - s >= boundNanos) {
            fired = true;
            firedSeconds = secs;
            try {
                onBound.run();
            } finally {
                Process p = restic;
                if (p != null && p.isAlive()) {
                    Signals.interrupt(p);
                }
            }
        }
    }

    /** True when the bound was reached (containers resumed, restic interrupted). */
    boolean fired() {
        return fired;
    }

    long firedSeconds() {
        return firedSeconds;
    }

    String lastLine() {
        return lastLine;
    }

    /** Stops the ticks; a bound action under way (a `docker start`) is waited for, never interrupted. */
    @Override
    public void close() {
        tick.shutdown();
        try {
            tick.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
