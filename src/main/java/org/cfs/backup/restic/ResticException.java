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

    /**
     * restic's own words, capped but never cut at the front: whole lines from its last "Fatal:" line
     * (else the last lines), Go stack frames left out; a single over-long line keeps its beginning.
     */
    static String tail(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "";
        }
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String l : stderr.split("\r?\n")) {
            if (!l.isBlank() && !stackFrame(l)) {
                lines.add(l.strip());
            }
        }
        if (lines.isEmpty()) {
            return "";
        }
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Fatal:")) {
                from = i;
            }
        }
        StringBuilder t = new StringBuilder();
        if (from >= 0) {
            for (int i = from; i < lines.size() && t.length() + lines.get(i).length() < TAIL_CHARS; i++) {
                t.append(t.length() == 0 ? "" : " ").append(lines.get(i));
            }
        } else {
            java.util.Deque<String> kept = new java.util.ArrayDeque<>();
            int len = 0;
            for (int i = lines.size() - 1; i >= 0 && len + lines.get(i).length() < TAIL_CHARS; i--) {
                kept.addFirst(lines.get(i));
                len += lines.get(i).length() + 1;
            }
            t.append(String.join(" ", kept));
        }
        if (t.length() == 0) {
            String l = lines.get(from >= 0 ? from : lines.size() - 1);
            t.append(l, 0, TAIL_CHARS).append("...");
        }
        return ": " + t;
    }

    /** A Go stack trace line ("runtime.main", "\truntime/proc.go:250", "main.main()"), no part of the message. */
    private static boolean stackFrame(String l) {
        return l.startsWith("\t") || l.matches("^(goroutine \\d+ .*|[\\w./-]+\\.[\\w.*()]+(\\(.*\\))?)$")
                && !l.contains(" ");
    }

    public ResticError error() {
        return error;
    }

    public int resticExitCode() {
        return resticExitCode;
    }
}
