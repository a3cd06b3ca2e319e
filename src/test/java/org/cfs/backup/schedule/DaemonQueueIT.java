package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cfs.backup.Job;
import org.cfs.backup.JobRequest;
import org.cfs.backup.JobRunner;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.drill.CheckOperation.CheckReport;
import org.cfs.backup.retention.PruneReport;
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
 * The real Quartz scheduler with a stand-in command runner (jobs that take 1.2 s and fire every
 * second): jobs never overlap, every job keeps getting its turn, each run is in the history, and a
 * command missing from the build is not scheduled.
 */
class DaemonQueueIT {

    @Test
    void jobsRunOneAtATimeQueuedNeverSkipped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pw"), "x\n");
        Files.writeString(dir.resolve("c.yaml"), "repository: {url: " + dir.resolve("repo") + ", password-file: "
                + dir.resolve("pw") + "}\nstate-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log") + "\n"
                + "schedule: {backup: \"* * * * * ?\", prune: \"* * * * * ?\", check: \"* * * * * ?\", drill: \"0 0 0 1 1 ? 2099\","
                + " quota: \"* * * * * ?\", audit: \"* * * * * ?\"}\n");
        Config config = new ConfigLoader().load(dir.resolve("c.yaml"));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        Cancellation cancel = new Cancellation();
        List<JobRequest> checks = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobRunner fake = (job, request) -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                TimeUnit.MILLISECONDS.sleep(1200); // a job that takes longer than the one-second schedule
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            runs.computeIfAbsent(job.word(), k -> new AtomicInteger()).incrementAndGet();
            if (job == Job.CHECK) {
                checks.add(request);
            }
            return job == Job.PRUNE ? new PruneReport("failed", false, false, List.of(), false, null, null, "x")
                    : new CheckReport(true, request.readDataSubset(), 1, List.of(), true);
        };
        RunHistory history = new RunHistory(config.stateDir());
        List<List<String>> resticCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Restic restic = new Restic(new ResticSettings("restic", config.repository().url(), dir.resolve("pw"), null, null,
                null, List.of()), spec -> {
                    resticCalls.add(spec.command());
                    return new ProcessResult(0, "", "", Duration.ZERO, false);
                });
        Daemon d = new Daemon(new Daemon.Context(config, dir.resolve("c.yaml"), cancel, Clock.systemDefaultZone(),
                Alerts.NONE, restic, history, new AuditLog(config.logDir()), fake));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(d.run()));
        t.start();
        try {
            DaemonFixture.await(Duration.ofSeconds(40), "every scheduled job to run twice",
                    () -> List.of("backup", "prune", "check", "quota").stream()
                            .allMatch(j -> runs.getOrDefault(j, new AtomicInteger()).get() >= 2)
                            && runs.getOrDefault("audit", new AtomicInteger()).get() >= 1);
        } finally {
            d.stop();
            t.join(10_000);
        }
        assertFalse(t.isAlive());
        assertEquals(0, exit.get());
        assertEquals(1, maxRunning.get(), "two jobs ran at once");
        assertTrue(resticCalls.stream().anyMatch(c -> c.contains("unlock")), "stale locks are cleared at start");
        assertFalse(runs.containsKey("drill"), "drill's cron never fires");
        assertTrue(checks.stream().allMatch(r -> r.readDataSubset() != null), "every check reads a data subset");
        List<RunRecord> recs = history.all();
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("prune") && r.status().equals("failed")));
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("check") && r.status().equals("ok")
                && "1/12".equals(r.figures().get("read_data_subset"))));
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("check") && "2/12".equals(r.figures().get("read_data_subset"))),
                "the check subset rotates");
    }
}
