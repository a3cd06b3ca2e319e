package org.cfs.backup.process;

import java.time.Duration;

/**
 * How a child ended: its exit code, its stdout (when captured) and the capped tail of its stderr.
 *
 * @param cancelled true when the child was stopped because the operation was cancelled
 */
public record ProcessResult(int exitCode, String stdout, String stderrTail, Duration elapsed, boolean cancelled) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** The last non-blank line of stderr, or an empty string: what a one-line error quotes of a child. */
    public String lastStderrLine() {
        String t = stderrTail == null ? "" : stderrTail.strip();
        int nl = t.lastIndexOf('\n');
        return nl >= 0 ? t.substring(nl + 1).strip() : t;
    }

    /** {@code ": LAST LINE"}, or nothing when stderr was empty: the end of "X exited N: ..." messages. */
    public String stderrSuffix() {
        String l = lastStderrLine();
        return l.isEmpty() ? "" : ": " + l;
    }
}
