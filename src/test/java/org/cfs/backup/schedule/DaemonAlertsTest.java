package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.cfs.backup.Job;
import org.cfs.backup.JobRunner;
import org.cfs.backup.alert.RecordingAlerts;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's own alerting, with a stand-in job runner and a stand-in restic: the typed report's
 * outcome and problem in the run history, and freshness from the repository's snapshots.
 */
class DaemonAlertsTest {

    /** Records every call in order. */
    static final class Recording extends RecordingAlerts {
        final List<String> pings = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void jobStarted(String job) {
            pings.add("start " + job);
        }

        @Override
        public void jobFinished(String job, boolean ok, String summary) {
            pings.add((ok ? "ok " : "fail ") + job);
        }

        @Override
        public synchronized void raise(String key, Severity severity, String title, String message) {
            super.raise(key, severity, title, message);
        }

        @Override
        public synchronized void clear(String key, String message) {
            super.clear(key, message);
        }
    }

    @Test
    void jobResultsAndFreshnessBecomeAlerts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pw"), "x\n");
        Files.writeString(dir.resolve("c.yaml"), "host: h\nrepository: {url: " + dir.resolve("repo") + ", password-file: "
                + dir.resolve("pw") + "}\nstate-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log") + "\n"
                + "metrics-file: " + dir.resolve("m.prom") + "\n"
                + "sources:\n  - {name: db, path: /srv/db}\n  - {name: web, path: /srv/web}\n"
                + "schedule: {backup: \"* * * * * ?\", prune: \"0 0 0 1 1 ? 2099\", check: \"0 0 0 1 1 ? 2099\","
                + " drill: \"0 0 0 1 1 ? 2099\", quota: \"0 0 0 1 1 ? 2099\", audit: \"0 0 0 1 1 ? 2099\"}\n");
        Config config = new ConfigLoader().load(dir.resolve("c.yaml"));
        Instant now = Instant.now();
        // the repository: db backed up an hour ago, web two days ago
        String snapshots = "[{\"id\":\"aa\",\"time\":\"" + now.minusSeconds(3600) + "\",\"hostname\":\"h\",\"paths\":[\"/srv/db\"],\"tags\":[\"db\"]},"
                + "{\"id\":\"bb\",\"time\":\"" + now.minusSeconds(172800) + "\",\"hostname\":\"h\",\"paths\":[\"/srv/web\"],\"tags\":[\"web\"]}]";
        List<List<String>> resticCalls = Collections.synchronizedList(new ArrayList<>());
        Restic restic = new Restic(new ResticSettings("restic", config.repository().url(), dir.resolve("pw"), null, null,
                null, List.of()), spec -> {
                    resticCalls.add(spec.command());
                    boolean list = spec.command().contains("snapshots");
                    return new ProcessResult(0, list ? snapshots : "", "", Duration.ZERO, false);
                });
        AtomicInteger backups = new AtomicInteger();
        Cancellation cancel = new Cancellation();
        // the runner's own alerting is the policy's (AlertPolicyTest, JobAlertsIT): the daemon gets the typed report
        JobRunner fake = (job, request) -> {
            assertEquals(Job.BACKUP, job);
            backups.incrementAndGet();
            return BackupReport.of(List.of(new SourceResult("db", "ok", "aa", 1, 0, null, 0, 0, 0, 0, false),
                    SourceResult.failed("web", 1, 0, "path /srv/web does not exist")));
        };
        Recording alerts = new Recording();
        Daemon d = new Daemon(new Daemon.Context(config, dir.resolve("c.yaml"), cancel, Clock.systemDefaultZone(),
                alerts, restic, new RunHistory(config.stateDir()), new AuditLog(config.logDir()), fake));
        Thread t = new Thread(d::run);
        t.start();
        try {
            DaemonFixture.await(Duration.ofSeconds(20), "two backup runs", () -> backups.get() >= 2);
        } finally {
            d.stop();
            t.join(10_000);
        }
        List<RunRecord> runs = new RunHistory(config.stateDir()).all().stream().filter(r -> r.job().equals("backup")).toList();
        assertEquals("partial", runs.get(0).status());
        assertEquals("web: path /srv/web does not exist", runs.get(0).error(), "the report's problem, not a parsed stderr");
        assertTrue(alerts.open.containsKey("stale:web"), alerts.open.keySet().toString());
        assertTrue(!alerts.open.containsKey("stale:db"));
        // the condition stays open (de-duplication of repeated raises is the channels' job, per Alerts)
        assertTrue(alerts.events.stream().noneMatch(e -> e.equals("clear stale:web")));
        assertTrue(resticCalls.stream().anyMatch(c -> c.contains("snapshots") && c.contains("--no-lock")));
        String prom = Files.readString(dir.resolve("m.prom"));
        assertTrue(prom.contains("cfs_backup_newest_snapshot_timestamp_seconds{source=\"web\"} "
                + now.minusSeconds(172800).getEpochSecond()), prom);
        assertTrue(prom.contains("cfs_backup_job_last_ok{job=\"backup\"} 0"), prom);
    }
}
