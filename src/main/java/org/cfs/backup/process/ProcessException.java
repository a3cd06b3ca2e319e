package org.cfs.backup.process;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** A child could not be started or its streams broke; the message names only the program. */
public class ProcessException extends CfsException {
    public ProcessException(String message, Throwable cause) {
        super(ExitCode.FAILED, message, cause);
    }
}
