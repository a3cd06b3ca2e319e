package org.cfs.backup.state;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an operation's run-history line and its audit-log line from one record, so that the two
 * never tell different stories: the audit line is {@code source=S snapshot=ID k=v ... error="..."}.
 */
public final class RunRecorder {
    private final RunHistory history;
    private final AuditLog audit;

    public RunRecorder(RunHistory history, AuditLog audit) {
        this.history = history;
        this.audit = audit;
    }

    /**
     * One outcome (a source's, or a whole run's when {@code r.source()} is null).
     *
     * @param operation the audit log's operation word ({@code backup}, {@code restore-dry-run}, ...)
     * @param auditFigures what the audit line carries besides source, snapshot and error, in order
     * @param toHistory false for what the history never holds (a dry run)
     */
    public void record(String operation, RunRecord r, Map<String, ?> auditFigures, boolean toHistory) {
        if (toHistory) {
            history.append(r);
        }
        audit.record(operation, r.status(), detail(r, auditFigures));
    }

    /**
     * A run's closing line: {@code sources=N} and, when some failed, {@code failed=a,b}.
     *
     * @param error the run's error for the history (null when it went well)
     */
    public void runEnd(String job, String operation, Instant start, String status, int sources, List<String> failed,
                       String error, boolean toHistory) {
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("sources", sources);
        audited.put("failed", failed == null || failed.isEmpty() ? null : failed);
        RunRecord r = new RunRecord(job, null, start, Instant.now(), status, null, Map.of("sources", sources), error);
        if (toHistory) {
            history.append(r);
        }
        audit.record(operation, status, detail(new RunRecord(job, null, start, r.end(), status, null, Map.of(), null), audited));
    }

    /** Audit figures in the order given ({@code key, value, key, value...}); a null value is left out of the line. */
    public static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static String detail(RunRecord r, Map<String, ?> figures) {
        StringBuilder b = new StringBuilder();
        if (r.source() != null) {
            b.append("source=").append(r.source());
        }
        if (r.snapshotId() != null) {
            b.append(b.isEmpty() ? "" : " ").append("snapshot=").append(r.snapshotId());
        }
        if (figures != null) {
            figures.forEach((k, v) -> {
                if (v != null) {
                    b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(value(v));
                }
            });
        }
        if (r.error() != null) {
            b.append(b.isEmpty() ? "" : " ").append("error=\"").append(r.error()).append('"');
        }
        return b.toString();
    }

    private static String value(Object v) {
        if (v instanceof Double || v instanceof Float) {
            return String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
        }
        if (v instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        String s = String.valueOf(v);
        return s.isEmpty() || s.chars().anyMatch(ch -> ch == ' ' || ch == '"') ? "\"" + s.replace("\"", "'") + "\"" : s;
    }
}
