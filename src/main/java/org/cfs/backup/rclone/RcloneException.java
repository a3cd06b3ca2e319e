package org.cfs.backup.rclone;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** An rclone command that failed, with its classified reason and the advice for it. */
public final class RcloneException extends CfsException {
    private final DriveError error;
    private final String reason;

    public RcloneException(String action, DriveError error, String reason) {
        super(error == DriveError.NO_REMOTE || error == DriveError.CONFIG_PASSWORD ? ExitCode.USAGE : ExitCode.FAILED,
                action + " failed: " + reason + " (" + error.code() + ")");
        this.error = error;
        this.reason = reason;
    }

    public DriveError error() {
        return error;
    }

    /** rclone's own error line, trimmed. */
    public String reason() {
        return reason;
    }
}
