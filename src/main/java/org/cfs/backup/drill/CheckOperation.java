package org.cfs.backup.drill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * {@code restic check} (optionally reading a share of the data) after removing stale locks: the
 * repository's structure, and with a subset its bytes. Damage is reported line by line.
 */
public final class CheckOperation {
    private static final Pattern SUBSET = Pattern.compile("\\d+/\\d+|\\d+(\\.\\d+)?%|\\d+[kKmMgGtT]?");

    /** {@code check --json}. */
    public record CheckReport(boolean ok, String readDataSubset, double durationS, List<String> errors,
                              boolean staleLocksRemoved) implements JobReport {
        @Override
        public Job job() {
            return Job.CHECK;
        }

        @Override
        public String problem() {
            return errors.isEmpty() ? null : errors.get(0);
        }

        @Override
        public int exitCode() {
            return ok ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    private final Restic restic;
    private final RunHistory history;
    private final AuditLog auditLog;

    public CheckOperation(Restic restic, RunHistory history, AuditLog auditLog) {
        this.restic = restic;
        this.history = history;
        this.auditLog = auditLog;
    }

    static void validateSubset(String spec) {
        if (spec != null && !SUBSET.matcher(spec).matches()) {
            throw CfsException.usage("--read-data-subset '" + spec + "': use n/t (e.g. 1/7), a percentage (e.g. 10%) or a size (e.g. 500M)");
        }
    }

    public CheckReport run(String readDataSubset) {
        validateSubset(readDataSubset);
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        ProcessResult r;
        try {
            // check takes an exclusive lock and restic 0.14 fails at once on any lock, stale ones included
            restic.unlock();
            r = restic.check(readDataSubset);
        } catch (CfsException e) {
            history.append(new RunRecord("check", null, start, Instant.now(), "failed", null, Map.of(), e.getMessage()));
            auditLog.record("check", "failed", "error=\"" + e.getMessage() + "\"");
            throw e;
        }
        if (r.cancelled() || r.exitCode() == 130) {
            throw new CancelledException();
        }
        List<String> errors = r.ok() ? List.of() : errorLines(r.stdout(), r.stderrTail());
        if (!r.ok() && errors.isEmpty()) {
            errors = List.of(restic.failure("restic check", r).getMessage());
        }
        double secs = Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
        CheckReport report = new CheckReport(r.ok(), readDataSubset, secs, errors, true);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("duration_s", secs);
        if (readDataSubset != null) {
            f.put("read_data_subset", readDataSubset);
        }
        history.append(new RunRecord("check", null, start, Instant.now(), r.ok() ? "ok" : "failed", null, f,
                errors.isEmpty() ? null : errors.get(0)));
        auditLog.record("check", r.ok() ? "ok" : "failed", (readDataSubset == null ? "" : "read_data_subset="
                + readDataSubset + " ") + String.format(Locale.ROOT, "duration_s=%.1f", secs)
                + (errors.isEmpty() ? "" : " errors=" + errors.size() + " first=\"" + errors.get(0) + "\""));
        return report;
    }

    /** The lines of restic check's output that describe damage (it prints no JSON in 0.14). */
    static List<String> errorLines(String stdout, String stderr) {
        List<String> out = new ArrayList<>();
        for (String text : new String[] {stdout, stderr}) {
            if (text == null) {
                continue;
            }
            for (String line : text.split("\n")) {
                String l = line.strip();
                String lower = l.toLowerCase(Locale.ROOT);
                if (l.isEmpty() || lower.startsWith("using temporary cache") || lower.startsWith("create exclusive lock")
                        || lower.startsWith("load indexes") || lower.startsWith("check all packs")
                        || lower.startsWith("check snapshots") || lower.startsWith("read ") || lower.startsWith("[")
                        || lower.startsWith("created new cache") || lower.startsWith("no errors were found")) {
                    continue;
                }
                if (lower.contains("error") || lower.contains("fatal") || lower.contains("damaged") || lower.contains("invalid")
                        || lower.contains("not referenced") || lower.contains("missing") || lower.contains("does not match")
                        || lower.startsWith("pack ") || lower.contains("unable")) {
                    if (out.size() < 50 && !out.contains(l)) {
                        out.add(l);
                    }
                }
            }
        }
        return out;
    }
}
