package org.cfs.backup;

/**
 * An error meant for the operator: a one-line message plus the exit code it maps to.
 * Messages never carry secrets or a child's environment.
 */
public class CfsException extends RuntimeException {
    private final int exitCode;

    public CfsException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CfsException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CfsException usage(String message) {
        return new CfsException(ExitCode.USAGE, message);
    }

    public static CfsException failed(String message) {
        return new CfsException(ExitCode.FAILED, message);
    }
}
