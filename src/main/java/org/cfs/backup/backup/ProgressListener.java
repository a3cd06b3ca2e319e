package org.cfs.backup.backup;

import org.cfs.backup.restic.BackupStatus;

/** Receives restic's status lines of the source being backed up (a terminal progress line). */
public interface ProgressListener {
    void progress(String source, BackupStatus status);

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
