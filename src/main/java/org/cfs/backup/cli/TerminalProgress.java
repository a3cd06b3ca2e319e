package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.config.Size;
import org.cfs.backup.restic.BackupStatus;

/** One self-overwriting progress line on a terminal: percent, bytes, ETA. */
final class TerminalProgress implements ProgressListener {
    private final PrintWriter err;
    private long lastPrint;
    private boolean dirty;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(String source, BackupStatus st) {
        long now = System.currentTimeMillis();
        if (now - lastPrint < 500) {
            return;
        }
        lastPrint = now;
        long eta = st.secondsRemaining();
        err.printf(Locale.ROOT, "\r%s: %5.1f%% %s / %s, ETA %d:%02d   ", source, st.percentDone() * 100,
                Size.human(st.bytesDone()), Size.human(st.totalBytes()), eta / 60, eta % 60);
        err.flush();
        dirty = true;
    }

    @Override
    public synchronized void remoteNotAnswering(String source, long seconds, String lastError) {
        err.printf(Locale.ROOT, "\r\033[K%s: remote not answering, retrying (%d s)%n", source, seconds);
        err.flush();
        dirty = false;
    }

    @Override
    public synchronized void done(String source) {
        if (dirty) {
            err.print("\r\033[K");
            err.flush();
            dirty = false;
        }
    }
}
