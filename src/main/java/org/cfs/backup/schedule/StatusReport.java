package org.cfs.backup.schedule;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * What {@code status} shows: per source the last backup and the newest snapshot in the repository,
 * per job the last run and the next, the last quota sample and the open alerts. Reads only
 * (history, state files, {@code restic snapshots --no-lock}), so it works while the daemon runs.
 */
public final class StatusReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One source: its last backup attempt and the newest snapshot the repository holds. */
    public record SourceStatus(String source, Instant lastBackup, String lastBackupStatus, String snapshotId,
                               Long size, Double durationS, Double downtimeS, Long dataAdded,
                               Instant lastSuccess, Instant newestSnapshotTime, Long snapshotAgeS, Boolean stale,
                               Instant lastBootDrill, String lastBootDrillStatus, Double lastBootDrillSecondsToHealthy,
                               Instant lastPassedBootDrill, List<String> lastStopKilled, String lastStopAdvice) {
    }

    /** One job: last run (start), its outcome, the next fire time. */
    public record JobStatus(String job, String cron, Instant lastRun, String lastStatus, Instant nextRun) {
    }

    /** The daemon process, from its lock file. */
    public record DaemonStatus(boolean running, Long pid) {
    }

    /** The mutating operation running now (from the state dir's lock), or null fields when none. */
    public record RunningOperation(Long pid, String command, Instant since) {
        static RunningOperation parse(String holder) {
            if (holder == null) {
                return null;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid (\\d+), command (.+), since (\\S+)")
                    .matcher(holder);
            if (!m.find()) {
                return new RunningOperation(null, holder, null);
            }
            Instant since;
            try {
                since = Instant.parse(m.group(3));
            } catch (java.time.format.DateTimeParseException e) {
                since = null;
            }
            return new RunningOperation(Long.parseLong(m.group(1)), m.group(2), since);
        }
    }

    /** The whole {@code status --json} document. */
    public record Document(Instant now, String host, DaemonStatus daemon, List<SourceStatus> sources,
                           List<JobStatus> jobs, JsonNode quota, List<Alerts.OpenAlert> alerts,
                           String repositoryError, RunningOperation running) {
        /** 3 when the repository cannot be read, or a source is stale or its last backup failed; else 0. */
        public int exitCode() {
            boolean bad = repositoryError != null || sources.stream().anyMatch(s -> Boolean.TRUE.equals(s.stale())
                    || "failed".equals(s.lastBackupStatus()) || "partial".equals(s.lastBackupStatus()));
            return bad ? org.cfs.backup.ExitCode.PARTIAL : org.cfs.backup.ExitCode.OK;
        }
    }

    private StatusReport() {
    }

    public static Document build(Config config, RunHistory history, Restic restic, Alerts alerts, Clock clock) {
        Instant now = clock.instant();
        List<RunRecord> records = history.all();
        List<String> names = config.sources().stream().map(SourceConfig::name).toList();
        List<Snapshot> snaps = List.of();
        String repoError = null;
        if (!names.isEmpty()) {
            try {
                snaps = restic.snapshotsNoLock(config.host(), names);
            } catch (CfsException e) {
                repoError = e.getMessage();
            }
        }
        java.time.Duration staleAfter = Freshness.parseDuration(config.staleAfter());
        List<SourceStatus> sources = new ArrayList<>();
        for (String s : names) {
            RunRecord last = Metrics.last(records, "backup", s, false);
            RunRecord ok = Metrics.last(records, "backup", s, true);
            Map<String, Object> f = last == null || last.figures() == null ? Map.of() : last.figures();
            Instant newest = repoError == null ? Freshness.newest(s, snaps) : null;
            Boolean stale = repoError != null ? null
                    : newest == null || java.time.Duration.between(newest, now).compareTo(staleAfter) > 0;
            // boot drills (issue 16): the last one of the source, and the last that passed
            RunRecord boot = Metrics.last(records, "boot-drill", s, false);
            RunRecord bootOk = Metrics.last(records, "boot-drill", s, true);
            sources.add(new SourceStatus(s, last == null ? null : last.end(), last == null ? null : last.status(),
                    last == null ? null : last.snapshotId(), asLong(f.get("bytes_processed")),
                    asDouble(f.get("duration_s")), asDouble(f.get("downtime_s")), asLong(f.get("data_added")),
                    ok == null ? null : ok.end(), newest,
                    newest == null ? null : java.time.Duration.between(newest, now).toSeconds(), stale,
                    boot == null ? null : boot.end(), boot == null ? null : boot.status(),
                    bootOk == null || bootOk.figures() == null ? null : asDouble(bootOk.figures().get("seconds_to_healthy")),
                    bootOk == null ? null : bootOk.end(), stopKilled(f), stopKilled(f).isEmpty() ? null
                            : "the last stop needed the kill (no exit within stop-timeout "
                            + f.get("stop_timeout_s") + " s after SIGTERM): " + org.cfs.backup.quiesce.Quiesce.KILL_ADVICE));
        }
        List<JobStatus> jobs = new ArrayList<>();
        Daemon.crons(config.schedule()).forEach((job, cron) -> {
            RunRecord last = Metrics.last(records, job.word(), null, false);
            jobs.add(new JobStatus(job.word(), cron, last == null ? null : last.start(), last == null ? null : last.status(),
                    CronSchedule.next(cron, now, clock.getZone())));
        });
        return new Document(now, config.host(), daemon(config.stateDir()), sources, jobs,
                lastQuotaSample(config.stateDir()), alerts.open(), repoError,
                RunningOperation.parse(OperationLock.currentHolder(config.stateDir().resolve("lock"))));
    }

    /** Containers the source's last backup had to kill to stop (issue 14), from its figures. */
    private static List<String> stopKilled(Map<String, Object> f) {
        return f.get("stop_killed") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static Double asDouble(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    /**
     * The daemon's pid from {@code daemon.lock}, if that process is alive. Through the lock, never
     * by reading the file: inside the daemon (the web console) that read would drop the daemon's lock.
     */
    static DaemonStatus daemon(Path stateDir) {
        RunningOperation holder = RunningOperation.parse(OperationLock.currentHolder(stateDir.resolve("daemon.lock")));
        if (holder != null && holder.pid() != null
                && ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return new DaemonStatus(true, holder.pid());
        }
        return new DaemonStatus(false, null);
    }

    /** The last line of {@code quota.jsonl} (written by {@code quota}), or null. */
    public static JsonNode lastQuotaSample(Path stateDir) {
        Path file = stateDir.resolve("quota.jsonl");
        if (!Files.exists(file)) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    try {
                        return JSON.readTree(lines[i]);
                    } catch (IOException e) {
                        // a torn last line: try the one before
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
