package org.cfs.backup.backup;

import org.cfs.backup.restic.BackupStatus;

/** Receives restic's status lines of the source being backed up (a terminal progress line). */
public interface ProgressListener {
    void progress(String source, BackupStatus status);

    /**
     * restic has been retrying a remote that does not answer for this long (called every 10 s
     * while it lasts); {@code lastError} is restic's last retry line.
     */
    default void remoteNotAnswering(String source, long seconds, String lastError) {
    }

    /** The current source is done: end the progress line. */
    void done(String source);

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void progress(String source, BackupStatus status) {
        }

        @Override
        public void done(String source) {
        }
    };
}
