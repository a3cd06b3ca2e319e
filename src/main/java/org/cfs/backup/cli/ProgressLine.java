package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.cfs.backup.config.Size;
import org.cfs.backup.restic.ResticProgress;

/**
 * Issue 14: the progress of restic's steps in restore, drill, prune and check, as one
 * self-overwriting line on stderr: done / total and what (restic's own counter, "5 / 8 packs"), or
 * bytes; the rate; the ETA when the total is known. Only on a terminal and never with {@code --json}
 * ({@link #on}); stdout is never touched.
 */
final class ProgressLine implements ResticProgress.Listener, AutoCloseable {
    /** Overrides the terminal test: "1" shows progress, "0" hides it (tests; a pager that is a tty). */
    static final String ENV = "CFS_BACKUP_PROGRESS";
    static final long EVERY_NANOS = 250_000_000L;

    private final String label;
    private final PrintWriter err;
    private final LongSupplier clock;
    private long last = Long.MIN_VALUE;
    private boolean dirty;

    ProgressLine(String label, PrintWriter err, LongSupplier clock) {
        this.label = label;
        this.err = err;
        this.clock = clock;
    }

    /**
     * The progress line of a command, or null when nothing extra may be printed: with
     * {@code --json}, or when stderr is not a terminal ({@code System.console() == null} unless
     * {@link #ENV} says otherwise).
     */
    static ProgressLine on(String label, boolean json, Map<String, String> env, PrintWriter err) {
        return json || !terminal(env, System.console() != null) ? null : new ProgressLine(label, err, System::nanoTime);
    }

    static boolean terminal(Map<String, String> env, boolean console) {
        String v = env == null ? null : env.get(ENV);
        if ("1".equals(v)) {
            return true;
        }
        if ("0".equals(v)) {
            return false;
        }
        return console;
    }

    @Override
    public synchronized void progress(ResticProgress p) {
        long now = clock.getAsLong();
        boolean finished = p.total() > 0 && p.done() >= p.total();
        if (!finished && last != Long.MIN_VALUE && now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        err.print("\r\033[K" + render(label, p));
        err.flush();
        dirty = true;
    }

    /** One line, no newline: "check: 62.5% 5 / 8 packs, 2.5/s, ETA 0:01" or "drill: 12.0 MiB, 4.0 MiB/s". */
    static String render(String label, ResticProgress p) {
        StringBuilder sb = new StringBuilder(label).append(": ");
        boolean bytes = ResticProgress.BYTES.equals(p.unit());
        if (p.fraction() >= 0) {
            sb.append(String.format(Locale.ROOT, "%.1f%% ", p.fraction() * 100));
        }
        if (bytes) {
            sb.append(Size.human(p.done()));
            if (p.total() > 0) {
                sb.append(" / ").append(Size.human(p.total()));
            }
        } else {
            sb.append(p.done());
            if (p.total() > 0) {
                sb.append(" / ").append(p.total());
            }
            sb.append(' ').append(p.unit());
        }
        double rate = p.rate();
        if (rate > 0) {
            sb.append(", ").append(bytes ? Size.human(Math.round(rate)) + "/s"
                    : String.format(Locale.ROOT, "%.1f/s", rate));
        }
        long eta = p.secondsRemaining();
        if (eta >= 0 && p.fraction() < 1) {
            sb.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
        }
        return sb.toString();
    }

    /** Ends the line before other output (a message, the result). */
    synchronized void clear() {
        if (dirty) {
            err.print("\r\033[K");
            err.flush();
            dirty = false;
        }
    }

    @Override
    public void close() {
        clear();
    }
}
