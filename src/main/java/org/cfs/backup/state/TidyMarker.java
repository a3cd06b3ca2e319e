package org.cfs.backup.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * A file in the state dir that says the last backup run ended with nothing left to tidy in the
 * repository (no first pass, failed dump or stale lock of its own): the next run may then skip the
 * look for leftovers, which costs a restic start behind rclone (about 0.5 s). Absent after a crash,
 * a warning, a failure or on a fresh state dir, so that the look happens exactly when it can find something.
 */
public final class TidyMarker {
    private final Path file;

    public TidyMarker(Path stateDir, String name) {
        this.file = stateDir.resolve(name + ".tidy");
    }

    public boolean present() {
        return Files.isRegularFile(file);
    }

    /** Removed before a run touches the repository, so that a kill -9 anywhere in it leaves no marker. */
    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a marker that cannot be removed must not survive either: fail loudly, the run would trust it
            throw new CfsException(ExitCode.FAILED, "cannot remove " + file + " (the state dir must be writable): "
                    + e.getMessage());
        }
    }

    public void mark() {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "");
        } catch (IOException e) {
            // no marker only costs the next run its look for leftovers
        }
    }
}
