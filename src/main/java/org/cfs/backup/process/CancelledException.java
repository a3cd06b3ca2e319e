package org.cfs.backup.process;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** The operation was cancelled by a signal; maps to exit 130 once cleanup has run. */
public class CancelledException extends CfsException {
    public CancelledException() {
        super(ExitCode.INTERRUPTED, "interrupted");
    }
}
