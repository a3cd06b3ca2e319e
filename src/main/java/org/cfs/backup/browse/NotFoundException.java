package org.cfs.backup.browse;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** A snapshot or a path that does not exist (a usage error for the CLI, 404 for the console). */
public final class NotFoundException extends CfsException {
    public NotFoundException(String message) {
        super(ExitCode.USAGE, message);
    }
}
