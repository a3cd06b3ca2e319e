package org.cfs.backup.schedule;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.state.AtomicFiles;
import org.cfs.backup.state.RunRecord;

/**
 * The Prometheus text file for node_exporter's textfile collector: per source the last success,
 * duration, bytes added and downtime; per job the last run and outcome; quota used/free; the last
 * drill's result; the newest snapshot per source; per source the last boot drill (issue 16: passed,
 * time to a healthy app, scratch space, when one last passed). Written atomically (temp file + rename), so the
 * collector never reads half a file.
 */
public final class Metrics {
    private final Path file;

    public Metrics(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void write(List<String> sources, List<String> jobs, List<RunRecord> history, JsonNode quotaSample,
                      Map<String, Instant> newestSnapshots, Instant now) throws IOException {
        AtomicFiles.write(file, render(sources, jobs, history, quotaSample, newestSnapshots, now));
    }

    static String render(List<String> sources, List<String> jobs, List<RunRecord> history, JsonNode quotaSample,
                         Map<String, Instant> newestSnapshots, Instant now) {
        StringBuilder sb = new StringBuilder();
        header(sb, "cfs_backup_last_success_timestamp_seconds", "gauge",
                "End of the last backup of the source that made a snapshot (ok or partial).");
        for (String s : sources) {
            RunRecord r = last(history, "backup", s, true);
            if (r != null) {
                line(sb, "cfs_backup_last_success_timestamp_seconds", "source", s, r.end().getEpochSecond());
            }
        }
        String[][] figures = {
            {"cfs_backup_last_duration_seconds", "duration_s", "Duration of the last backup of the source."},
            {"cfs_backup_last_bytes_added", "data_added", "Bytes the last backup of the source added to the repository."},
            {"cfs_backup_last_downtime_seconds", "downtime_s", "Seconds the source's containers were stopped or paused by the last backup."}};
        for (String[] f : figures) {
            header(sb, f[0], "gauge", f[2]);
            for (String s : sources) {
                RunRecord r = last(history, "backup", s, false);
                if (r != null && r.figures() != null && r.figures().get(f[1]) instanceof Number n) {
                    line(sb, f[0], "source", s, n.doubleValue());
                }
            }
        }
        header(sb, "cfs_backup_last_backup_ok", "gauge", "1 when the last backup of the source was ok, else 0.");
        for (String s : sources) {
            RunRecord r = last(history, "backup", s, false);
            if (r != null) {
                line(sb, "cfs_backup_last_backup_ok", "source", s, "ok".equals(r.status()) ? 1 : 0);
            }
        }
        header(sb, "cfs_backup_newest_snapshot_timestamp_seconds", "gauge", "Time of the source's newest snapshot in the repository.");
        for (String s : sources) {
            Instant t = newestSnapshots.get(s);
            if (t != null) {
                line(sb, "cfs_backup_newest_snapshot_timestamp_seconds", "source", s, t.getEpochSecond());
            }
        }
        header(sb, "cfs_backup_job_last_run_timestamp_seconds", "gauge", "End of the job's last run.");
        for (String j : jobs) {
            RunRecord r = last(history, j, null, false);
            if (r != null) {
                line(sb, "cfs_backup_job_last_run_timestamp_seconds", "job", j, r.end().getEpochSecond());
            }
        }
        header(sb, "cfs_backup_job_last_ok", "gauge", "1 when the job's last run was ok, else 0.");
        for (String j : jobs) {
            RunRecord r = last(history, j, null, false);
            if (r != null) {
                line(sb, "cfs_backup_job_last_ok", "job", j, "ok".equals(r.status()) ? 1 : 0);
            }
        }
        RunRecord drill = last(history, "drill", null, false);
        header(sb, "cfs_backup_drill_passed", "gauge", "1 when the last restore drill passed, else 0.");
        if (drill != null) {
            sb.append("cfs_backup_drill_passed ").append("ok".equals(drill.status()) ? 1 : 0).append('\n');
        }
        bootDrills(sb, sources, history);
        header(sb, "cfs_backup_quota_used_bytes", "gauge", "Bytes used on the remote (last quota sample).");
        header(sb, "cfs_backup_quota_free_bytes", "gauge", "Bytes free on the remote (last quota sample).");
        if (quotaSample != null) {
            if (quotaSample.path("used").isNumber()) {
                sb.append("cfs_backup_quota_used_bytes ").append(quotaSample.path("used").asLong()).append('\n');
            }
            if (quotaSample.path("free").isNumber()) {
                sb.append("cfs_backup_quota_free_bytes ").append(quotaSample.path("free").asLong()).append('\n');
            }
        }
        header(sb, "cfs_backup_metrics_timestamp_seconds", "gauge", "When this file was written.");
        sb.append("cfs_backup_metrics_timestamp_seconds ").append(now.getEpochSecond()).append('\n');
        return sb.toString();
    }

    /**
     * Issue 16: per source, from the {@code boot-drill} records of the run history (one per source
     * and run, written by {@code bootdrill.BootDrillOperation}).
     */
    private static void bootDrills(StringBuilder sb, List<String> sources, List<RunRecord> history) {
        header(sb, "cfs_backup_boot_drill_passed", "gauge", "1 when the last boot drill of the source passed, else 0.");
        for (String s : sources) {
            RunRecord r = last(history, "boot-drill", s, false);
            if (r != null) {
                line(sb, "cfs_backup_boot_drill_passed", "source", s, "ok".equals(r.status()) ? 1 : 0);
            }
        }
        header(sb, "cfs_backup_boot_drill_last_passed_timestamp_seconds", "gauge",
                "End of the last boot drill of the source that passed.");
        for (String s : sources) {
            RunRecord r = lastPassedBootDrill(history, s);
            if (r != null) {
                line(sb, "cfs_backup_boot_drill_last_passed_timestamp_seconds", "source", s, r.end().getEpochSecond());
            }
        }
        header(sb, "cfs_backup_boot_drill_seconds_to_healthy", "gauge",
                "Seconds from the start of the restore to a healthy app in the last boot drill of the source that passed (the recovery time measured).");
        for (String s : sources) {
            RunRecord r = lastPassedBootDrill(history, s);
            if (r != null && r.figures() != null && r.figures().get("seconds_to_healthy") instanceof Number n) {
                line(sb, "cfs_backup_boot_drill_seconds_to_healthy", "source", s, n.doubleValue());
            }
        }
        header(sb, "cfs_backup_boot_drill_scratch_bytes", "gauge", "Scratch space the last boot drill of the source used, in bytes.");
        for (String s : sources) {
            RunRecord r = last(history, "boot-drill", s, false);
            if (r != null && r.figures() != null && r.figures().get("scratch_bytes") instanceof Number n) {
                line(sb, "cfs_backup_boot_drill_scratch_bytes", "source", s, n.doubleValue());
            }
        }
    }

    private static RunRecord lastPassedBootDrill(List<RunRecord> history, String source) {
        RunRecord best = null;
        for (RunRecord r : history) {
            if ("boot-drill".equals(r.job()) && source.equals(r.source()) && "ok".equals(r.status()) && r.end() != null
                    && (best == null || !r.end().isBefore(best.end()))) {
                best = r;
            }
        }
        return best;
    }

    /** The newest record of a job (and source; null = the job-level record). */
    static RunRecord last(List<RunRecord> history, String job, String source, boolean snapshotMade) {
        RunRecord best = null;
        for (RunRecord r : history) {
            if (!job.equals(r.job()) || (source == null ? r.source() != null : !source.equals(r.source()))
                    || r.end() == null) {
                continue;
            }
            if (snapshotMade && !("ok".equals(r.status()) || "partial".equals(r.status()))) {
                continue;
            }
            if (best == null || !r.end().isBefore(best.end())) {
                best = r;
            }
        }
        return best;
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder sb, String name, String label, String value, double v) {
        sb.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ")
                .append(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v))
                .append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
