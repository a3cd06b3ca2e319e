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
import org.cfs.backup.restic.ResticError;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * {@code restic check} (optionally reading a share of the data) after removing stale locks: the
 * repository's structure, and with a subset its bytes. Damage is reported line by line.
 */
public final class CheckOperation {
    private static final Pattern FRACTION = Pattern.compile("(\\d{1,9})/(\\d{1,9})");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,6})?)%");
    private static final Pattern SIZE = Pattern.compile("\\d{1,15}(?:\\.\\d{1,6})?\\s*(?:[kKmMgGtT](?:i?[bB])?|[bB])?");

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
    /** Told restic check's own status lines (issue 14: a terminal shows them); null when nobody watches. */
    private org.cfs.backup.restic.ResticProgress.Listener progress;

    public CheckOperation(Restic restic, RunHistory history, AuditLog auditLog) {
        this.restic = restic;
        this.history = history;
        this.auditLog = auditLog;
    }

    static void validateSubset(String spec) {
        resticSubset(spec);
    }

    /**
     * Validates a {@code --read-data-subset} SPEC and returns the form restic 0.14 accepts: {@code n/t}
     * with 1 <= n <= t, {@code x%} with 0 < x <= 100, or a size. restic takes a size only as a whole
     * number with one binary suffix (k, m, g, t; no plain bytes, no fraction, no "iB"), so the config's
     * spellings (500MiB, 1.5 GiB, 2GB, 4096) are turned into the largest exact unit, else whole KiB
     * rounded up; a bare k/m/g/t suffix keeps restic's binary meaning. Null stays null.
     *
     * @throws CfsException exit 2 naming the SPEC when it is not one of these
     */
    public static String resticSubset(String spec) {
        if (spec == null) {
            return null;
        }
        String t = spec.strip();
        java.util.regex.Matcher m = FRACTION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long total = Long.parseLong(m.group(2));
            if (n < 1 || n > total) {
                throw badSubset(spec, "n/t needs 1 <= n <= t (e.g. 1/7)");
            }
            return n + "/" + total;
        }
        m = PERCENT.matcher(t);
        if (m.matches()) {
            java.math.BigDecimal x = new java.math.BigDecimal(m.group(1));
            if (x.signum() <= 0 || x.compareTo(java.math.BigDecimal.valueOf(100)) > 0) {
                throw badSubset(spec, "a percentage must be above 0% and at most 100%");
            }
            return x.stripTrailingZeros().toPlainString() + "%";
        }
        if (SIZE.matcher(t).matches()) {
            long bytes;
            try {
                // a bare k/m/g/t is restic's own spelling, which means KiB/MiB/GiB/TiB
                bytes = org.cfs.backup.config.Size.parse(t.matches(".*[kKmMgGtT]") ? t + "iB" : t);
            } catch (IllegalArgumentException e) {
                throw badSubset(spec, e.getMessage());
            }
            if (bytes <= 0) {
                throw badSubset(spec, "a size must be above 0");
            }
            String[] units = {"T", "G", "M", "K"};
            for (int i = 0; i < units.length; i++) {
                long unit = 1L << (10 * (4 - i));
                if (bytes % unit == 0) {
                    return (bytes / unit) + units[i];
                }
            }
            return ((bytes + 1023) / 1024) + "K";
        }
        throw badSubset(spec, null);
    }

    private static CfsException badSubset(String spec, String why) {
        return CfsException.usage("--read-data-subset '" + spec + "': " + (why == null ? "" : why + "; ")
                + "use n/t (e.g. 1/7), a percentage (e.g. 10%) or a size (e.g. 500MiB)");
    }

    /** Tells the listener the progress of restic check; null for none. */
    public CheckOperation progress(org.cfs.backup.restic.ResticProgress.Listener listener) {
        this.progress = listener;
        return this;
    }

    public CheckReport run(String spec) {
        String readDataSubset = resticSubset(spec);
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        ProcessResult r;
        try {
            // check takes an exclusive lock and restic 0.14 fails at once on any lock, stale ones included
            restic.unlock();
            r = restic.check(readDataSubset, progress);
        } catch (CfsException e) {
            history.append(new RunRecord("check", null, start, Instant.now(), "failed", null, Map.of(), e.getMessage()));
            auditLog.record("check", "failed", "error=\"" + e.getMessage() + "\"");
            throw e;
        }
        if (r.cancelled() || r.exitCode() == 130) {
            throw new CancelledException();
        }
        if (!r.ok() && ResticError.classify(r.exitCode(), r.stderrTail()) == ResticError.USAGE) {
            // restic refused the command line: nothing was checked, so nothing is known of damage
            String line = ResticError.usageLine(r.stderrTail());
            history.append(new RunRecord("check", null, start, Instant.now(), "failed", null, Map.of(), line));
            auditLog.record("check", "failed", "usage_error=\"" + line + "\"");
            throw CfsException.usage("restic check refused its arguments: " + line);
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
