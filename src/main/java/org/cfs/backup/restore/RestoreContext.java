package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.cfs.backup.config.Config;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;
import org.cfs.backup.state.QuiesceJournal;

/**
 * What every restore mode ({@link TargetRestore}, {@link InPlaceRestore}, {@link DumpRestore})
 * works with, and the small helpers they share.
 */
record RestoreContext(Config config, Restic restic, Docker docker, QuiesceJournal journal, Cancellation cancellation,
                      Consumer<String> log, TreeSwap swap, ProcessRunner runner,
                      java.util.concurrent.atomic.AtomicReference<ResticProgress.Listener> progressRef) {

    /** Told the bytes of each restic restore or dump (issue 14 progress); null when nobody watches. */
    ResticProgress.Listener progress() {
        return progressRef.get();
    }

    /** Removes a partial restore: the staging folder (or partial file), and the target when this restore made it. */
    void cleanUpTarget(Path target, Path staging, boolean created) {
        try {
            FileTrees.deleteTree(staging);
            if (created) {
                FileTrees.deleteTree(target);
            }
        } catch (IOException e) {
            log.accept("could not remove the partial restore in " + staging + ": " + e.getMessage());
        }
    }

    /** An absolute snapshot path without its leading slashes (where it lands below a folder). */
    static String relative(String abs) {
        String r = abs;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        return r;
    }

    /** Seconds since {@code t0} ({@link System#nanoTime()}), to the millisecond. */
    static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
