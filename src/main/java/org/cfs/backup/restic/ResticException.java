package org.cfs.backup.restic;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** A failed restic run: the classified reason, restic's exit code and a capped stderr tail. */
public class ResticException extends CfsException {
    private static final int TAIL_CHARS = 600;
    private final ResticError error;
    private final int resticExitCode;

    public ResticException(String action, ResticError error, int resticExitCode, String stderrTail) {
        super(error == ResticError.INTERRUPTED ? ExitCode.INTERRUPTED
                        : error == ResticError.USAGE ? ExitCode.USAGE : ExitCode.FAILED,
                action + " failed: " + error.meaning() + " (restic exit " + resticExitCode + ")" + tail(stderrTail));
        this.error = error;
        this.resticExitCode = resticExitCode;
    }

    private static String tail(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "";
        }
        String t = stderr.strip();
        if (t.length() > TAIL_CHARS) {
            t = "..." + t.substring(t.length() - TAIL_CHARS);
        }
        return ": " + t.replace('\n', ' ').replace('\r', ' ');
    }

    public ResticError error() {
        return error;
    }

    public int resticExitCode() {
        return resticExitCode;
    }
}
