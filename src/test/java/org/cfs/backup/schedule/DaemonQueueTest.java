package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cfs.backup.alert.Alerts;
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
class DaemonQueueTest {

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
        CommandInvoker fake = new CommandInvoker() {
            @Override
            public boolean exists(String command) {
                return !command.equals("audit");
            }

            @Override
            public boolean hasOption(String command, String option) {
                return true;
            }

            @Override
            public int run(PrintWriter out, PrintWriter err, List<String> args) {
                int now = running.incrementAndGet();
                maxRunning.accumulateAndGet(now, Math::max);
                try {
                    TimeUnit.MILLISECONDS.sleep(1200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                runs.computeIfAbsent(args.get(2), k -> new AtomicInteger()).incrementAndGet();
                if (args.get(2).equals("check")) {
                    assertEquals("--read-data-subset", args.get(3));
                }
                out.print("{}");
                return args.get(2).equals("prune") ? 1 : 0;
            }
        };
        RunHistory history = new RunHistory(config.stateDir());
        List<List<String>> resticCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Restic restic = new Restic(new ResticSettings("restic", config.repository().url(), dir.resolve("pw"), null, null,
                null, List.of()), spec -> {
                    resticCalls.add(spec.command());
                    return new ProcessResult(0, "", "", Duration.ZERO, false);
                });
        Daemon d = new Daemon(new Daemon.Context(config, dir.resolve("c.yaml"), cancel, Clock.systemDefaultZone(),
                Alerts.NONE, restic, history, new AuditLog(config.logDir()), fake, new PrintWriter(new StringWriter())));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(d.run()));
        t.start();
        try {
            DaemonFixture.await(Duration.ofSeconds(40), "every scheduled job to run twice",
                    () -> List.of("backup", "prune", "check", "quota").stream()
                            .allMatch(j -> runs.getOrDefault(j, new AtomicInteger()).get() >= 2));
        } finally {
            d.stop();
            t.join(10_000);
        }
        assertFalse(t.isAlive());
        assertEquals(0, exit.get());
        assertEquals(1, maxRunning.get(), "two jobs ran at once");
        assertTrue(resticCalls.stream().anyMatch(c -> c.contains("unlock")), "stale locks are cleared at start");
        assertFalse(runs.containsKey("audit"));
        assertFalse(runs.containsKey("drill"));
        List<RunRecord> recs = history.all();
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("prune") && r.status().equals("failed")));
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("check") && r.status().equals("ok")
                && "1/12".equals(r.figures().get("read_data_subset"))));
        assertTrue(recs.stream().anyMatch(r -> r.job().equals("check") && "2/12".equals(r.figures().get("read_data_subset"))),
                "the check subset rotates");
    }
}
