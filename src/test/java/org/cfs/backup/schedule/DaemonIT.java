package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.JobRunner;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.cli.Jobs;
import org.cfs.backup.cli.Main;
import org.cfs.backup.cli.Services;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;

/** The daemon against a real local restic repository: scheduled backups, status while running, catch-up. */
class DaemonIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<RunRecord> daemonRuns(Path stateDir, String job, String trigger) {
        return new RunHistory(stateDir).all().stream()
                .filter(r -> job.equals(r.job()) && r.source() == null && r.figures() != null
                        && trigger.equals(r.figures().get("trigger")))
                .toList();
    }

    @Test
    void secondsScheduleBacksUpForRealAndStatusWorksWhileItRuns() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            Path data = Files.createDirectories(f.dir.resolve("data"));
            Files.writeString(data.resolve("a.txt"), "first file\n");
            Path metrics = f.dir.resolve("metrics/cfs-backup.prom");
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path cfg = f.config("  - {name: files, path: " + data + "}\n",
                    "metrics-file: " + metrics + "\nmetrics-listen: 127.0.0.1:" + port + "\n"
                    + "schedule: {backup: \"*/3 * * * * ?\", prune: " + DaemonFixture.never() + ", check: "
                    + DaemonFixture.never() + ", drill: " + DaemonFixture.never() + ", quota: " + DaemonFixture.never()
                    + ", audit: " + DaemonFixture.never() + "}\n");
            // issue 16: a boot drill of the source recorded earlier shows in the metrics file the daemon writes
            new RunHistory(f.stateDir).append(new org.cfs.backup.state.RunRecord("boot-drill", "files",
                    Instant.now().minusSeconds(3600), Instant.now().minusSeconds(3590), "ok", "abc",
                    java.util.Map.of("seconds_to_healthy", 4.5, "scratch_bytes", 1234), null));
            Cancellation cancel = new Cancellation();
            StringWriter err = new StringWriter();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread daemon = new Thread(() -> exit.set(Main.run(new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true), System.getenv(), cancel, "-c", cfg.toString(), "daemon")), "daemon-under-test");
            daemon.start();
            try {
                DaemonFixture.await(Duration.ofSeconds(60), "two scheduled backups",
                        () -> daemonRuns(f.stateDir, "backup", "schedule").size() >= 2);
                Files.writeString(data.resolve("b.txt"), "second file\n");

                // a second daemon on the same state dir is refused (exit 4)
                DaemonFixture.Result second = f.run(cfg, "daemon");
                assertEquals(4, second.exit(), second.err());

                // status works while the daemon runs, and takes no lock
                DaemonFixture.Result st = f.run(cfg, "status", "--json");
                assertEquals(0, st.exit(), st.err());
                JsonNode doc = JSON.readTree(st.out());
                JsonNode src = doc.path("sources").get(0);
                assertEquals("files", src.path("source").asText());
                assertFalse(src.path("last_backup").isNull());
                assertFalse(src.path("newest_snapshot_time").isNull());
                assertTrue(src.path("snapshot_age_s").isNumber() && src.path("snapshot_age_s").asLong() < 60, st.out());
                assertFalse(src.path("stale").asBoolean(), st.out());
                assertEquals(7, doc.path("jobs").size()); // boot-drill (issue 16) is the seventh
                JsonNode backupJob = doc.path("jobs").get(0);
                assertEquals("backup", backupJob.path("job").asText());
                assertEquals("ok", backupJob.path("last_status").asText());
                Instant next = Instant.parse(backupJob.path("next_run").asText());
                Instant now = Instant.now();
                assertTrue(next.isAfter(now.minusSeconds(1)) && next.isBefore(now.plusSeconds(4)), "next_run " + next);
                assertEquals("2099-01-01T00:00:00Z", Instant.parse(doc.path("jobs").get(1).path("next_run").asText())
                        .atZone(java.time.ZoneId.systemDefault()).toLocalDateTime().atZone(ZoneOffset.UTC).toInstant().toString());
                assertTrue(doc.path("daemon").path("running").asBoolean(), st.out());
                assertTrue(doc.has("quota") && doc.has("alerts"));

                // the metrics file, served on loopback
                java.net.http.HttpResponse<String> resp = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, resp.statusCode());
                assertTrue(resp.body().contains("cfs_backup_job_last_ok{job=\"backup\"} 1"), resp.body());
            } finally {
                cancel.cancel();
                daemon.join(30_000);
            }
            assertFalse(daemon.isAlive(), "daemon did not stop within 30 s");
            assertEquals(0, exit.get(), err.toString());

            List<RunRecord> runs = daemonRuns(f.stateDir, "backup", "schedule");
            assertTrue(runs.stream().filter(r -> r.status().equals("ok")).count() >= 2, runs.toString());
            JsonNode snaps = JSON.readTree(f.restic("snapshots", "--json", "--tag", "files"));
            assertTrue(snaps.size() >= 2, "snapshots: " + snaps);
            String prom = Files.readString(metrics);
            assertTrue(prom.contains("cfs_backup_last_success_timestamp_seconds{source=\"files\"} "), prom);
            // 1, or 0 when the stop interrupted a run (the schedule fires every 3 s)
            assertTrue(prom.contains("cfs_backup_job_last_ok{job=\"backup\"} "), prom);
            assertTrue(prom.contains("\ncfs_backup_boot_drill_passed{source=\"files\"} 1\n"), prom);
            assertTrue(prom.contains("\ncfs_backup_boot_drill_seconds_to_healthy{source=\"files\"} 4.500\n"), prom);
            assertTrue(prom.contains("\ncfs_backup_boot_drill_scratch_bytes{source=\"files\"} 1234\n"), prom);
            String audit = Files.readString(f.dir.resolve("log/cfs-backup.log"));
            assertTrue(audit.contains("op=daemon-backup outcome=ok"), audit);
            assertTrue(audit.contains("op=daemon outcome=stopped"), audit);
            try (var locks = Files.list(f.repo.resolve("locks"))) {
                assertEquals(0, locks.count(), "restic locks left");
            }
        }
    }

    @Test
    void missedRunIsMadeUpOnceWithAnInjectedClock() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            Path data = Files.createDirectories(f.dir.resolve("data"));
            Files.writeString(data.resolve("a.txt"), "catch me up\n");
            Path cfg = f.config("  - {name: files, path: " + data + "}\n",
                    "schedule: {backup: \"0 0 3 * * ?\", prune: " + DaemonFixture.never() + ", check: "
                    + DaemonFixture.never() + ", drill: " + DaemonFixture.never() + ", quota: " + DaemonFixture.never()
                    + ", audit: " + DaemonFixture.never() + "}\n");
            // the daemon has known this schedule since Jan 1; the host was down at 03:00 on Jan 10
            Files.createDirectories(f.stateDir);
            Files.writeString(f.stateDir.resolve("schedule.json"),
                    "{\"jobs\":{\"backup\":{\"cron\":\"0 0 3 * * ?\",\"since\":\"2026-01-01T00:00:00Z\"}}}");
            Clock clock = Clock.fixed(Instant.parse("2026-01-10T04:00:00Z"), ZoneOffset.UTC);

            runDaemonUntil(f, cfg, clock, () -> daemonRuns(f.stateDir, "backup", "catch-up").size() == 1);
            RunRecord made = daemonRuns(f.stateDir, "backup", "catch-up").get(0);
            assertEquals("ok", made.status());
            assertEquals(1, JSON.readTree(f.restic("snapshots", "--json", "--tag", "files")).size());

            // the next start, at the same time, does not make it up again
            runDaemonUntil(f, cfg, clock, () -> startedLines(f) == 2);
            String audit = Files.readString(f.dir.resolve("log/cfs-backup.log"));
            List<String> started = audit.lines().filter(l -> l.contains("op=daemon outcome=started")).toList();
            assertTrue(started.get(0).contains("catch-up=backup"), started.toString());
            assertFalse(started.get(1).contains("catch-up"), started.toString());
            assertEquals(1, daemonRuns(f.stateDir, "backup", "catch-up").size());
            assertEquals(1, JSON.readTree(f.restic("snapshots", "--json", "--tag", "files")).size());

        }
    }

    private static long startedLines(DaemonFixture f) {
        try {
            Path log = f.dir.resolve("log/cfs-backup.log");
            return Files.exists(log) ? Files.readString(log).lines().filter(l -> l.contains("op=daemon outcome=started")).count() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Runs a {@link Daemon} with the given clock on a thread until the condition holds, then stops it. */
    private static void runDaemonUntil(DaemonFixture f, Path cfg, Clock clock, java.util.function.BooleanSupplier until)
            throws Exception {
        Cancellation cancel = new Cancellation();
        StringWriter err = new StringWriter();
        PrintWriter errW = new PrintWriter(err, true);
        Services s = new Services(cfg, System.getenv(), cancel, errW);
        Config config = new ConfigLoader().load(cfg);
        JobRunner jobs = new Jobs(s, errW, ProgressListener.NONE);
        Daemon d = new Daemon(new Daemon.Context(config, cfg, cancel, clock, Alerts.NONE, s.restic(), s.history(),
                s.auditLog(), jobs));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(d.run()), "daemon-under-test");
        t.start();
        try {
            DaemonFixture.await(Duration.ofSeconds(60), "the daemon's work", until);
        } finally {
            d.stop();
            t.join(30_000);
        }
        assertFalse(t.isAlive());
        assertEquals(0, exit.get(), err.toString());
        assertNotNull(config);
    }
}
