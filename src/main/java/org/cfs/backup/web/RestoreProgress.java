package org.cfs.backup.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live figures of a console restore. restic 0.14's {@code restore} prints no progress and
 * preallocates its files (so their sizes on disk say nothing), so once a second this reads what the
 * restic {@code restore} or {@code dump} child of this JVM has written so far ({@code wchar} of
 * {@code /proc/PID/io}, which counts write and pwrite calls, not fallocate), and which step runs (a
 * {@code backup} child of an in-place restore saves the pre-restore snapshot first). The total comes
 * from the caller (a file's size, or {@code restic stats --mode restore-size}), read beside the restore.
 * Only one restore runs at a time (the operation lock), so the restic children seen are its own.
 */
final class RestoreProgress implements AutoCloseable {
    static final long PERIOD_MS = 1000;

    private final String source;
    private final Set<String> steps;
    private final Consumer<JobQueue.Progress> sink;
    private final ScheduledExecutorService timer;
    private final Map<Long, Long> written = new HashMap<>();
    private volatile long total = -1;
    private long writingSince;
    private String step = "starting";

    /**
     * @param dump true for a dump source, whose restore is a {@code restic dump}; otherwise a dump
     *             child is a console download running beside the restore and is not counted
     */
    RestoreProgress(String source, LongSupplier totalBytes, boolean dump, Consumer<JobQueue.Progress> sink) {
        this.source = source;
        this.steps = dump ? Set.of("backup", "dump") : Set.of("backup", "restore");
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cfs-web-restore-progress");
            t.setDaemon(true);
            return t;
        });
        Thread sizing = new Thread(() -> {
            try {
                total = totalBytes.getAsLong();
            } catch (RuntimeException e) {
                total = -1; // no total: the figures show bytes so far only
            }
        }, "cfs-web-restore-size");
        sizing.setDaemon(true);
        sizing.start();
        timer.scheduleWithFixedDelay(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        ProcessHandle.current().descendants().forEach(p -> {
            List<String> args = p.info().arguments().map(List::of).orElse(List.of());
            String cmd = p.info().command().orElse("");
            if (!cmd.endsWith("restic")) {
                return;
            }
            String sub = args.stream().filter(steps::contains).findFirst().orElse(null);
            if (sub == null) {
                return;
            }
            if (sub.equals("backup")) {
                step = "saving the current state (pre-restore snapshot)";
                return;
            }
            step = "restoring";
            long w = wchar(p.pid());
            if (w >= 0) {
                if (writingSince == 0) {
                    writingSince = System.nanoTime();
                }
                written.merge(p.pid(), w, Math::max);
            }
        });
        long done = written.values().stream().mapToLong(Long::longValue).sum();
        long t = total;
        double pct = t > 0 ? Math.min(1.0, (double) done / t) : 0;
        long eta = -1;
        if (t > 0 && done > 0 && writingSince != 0) {
            double s = (System.nanoTime() - writingSince) / 1e9;
            eta = Math.round(Math.max(0, t - done) / (done / Math.max(s, 0.001)));
        }
        sink.accept(new JobQueue.Progress(source, step, pct, done, t > 0 ? t : null, null, null, eta < 0 ? null : eta));
    }

    /** Bytes the process has written ({@code wchar}), or -1 when it is gone or unreadable. */
    static long wchar(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
