package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.JobRunner;
import org.cfs.backup.alert.RecordingAlerts;
import org.cfs.backup.alert.Alerts.Severity;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.cli.Jobs;
import org.cfs.backup.cli.Services;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.fleet.FleetStore;
import org.cfs.backup.fleet.RepositoryLocks;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, the fleet and restic's locks, on a real restic repository and the host's real MariaDB
 * (one database per test, dropped after): other hosts are real restic processes in their own UTS
 * namespace (so their locks carry their own host name) and rows in the fleet's node tables.
 * <ul>
 * <li>a dead node's stale lock is cleared by a live node, and only that node's lock;</li>
 * <li>a fleet prune waits (bounded, alerted) for another host's backup, then runs;</li>
 * <li>a host's backup waits for a fleet job's exclusive lock, then runs; past its bound it runs
 * anyway and {@code fleet-wait:backup} is raised;</li>
 * <li>the check's {@code --read-data-subset} rotation is the fleet's, in its database.</li>
 * </ul>
 */
class FleetLocksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String db = "cfs_flk_" + id;
    private final String user = "cfs_flk_" + id;
    private final String password = "pw-" + UUID.randomUUID();
    private final String fleetName = "flk-" + id;
    private final List<Process> others = new ArrayList<>();
    private DaemonFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new DaemonFixture();
        sql("CREATE DATABASE " + db + "; CREATE USER '" + user + "'@'localhost' IDENTIFIED BY '" + password + "';"
                + " CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';"
                + " GRANT ALL ON " + db + ".* TO '" + user + "'@'localhost';"
                + " GRANT ALL ON " + db + ".* TO '" + user + "'@'127.0.0.1';");
        Files.writeString(f.dir.resolve("db-password"), password + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : others) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        sql("DROP DATABASE IF EXISTS " + db + "; DROP USER IF EXISTS '" + user + "'@'localhost';"
                + " DROP USER IF EXISTS '" + user + "'@'127.0.0.1';");
        f.close();
    }

    private Path config(String schedule) throws IOException {
        Path data = Files.createDirectories(f.dir.resolve("data"));
        Files.writeString(data.resolve("file.txt"), "data " + id + "\n");
        return f.config("  - {name: files, path: " + data + "}\n",
                "schedule: " + schedule + "\n"
                        + "check-subsets: 3\n"
                        + "fleet: {name: " + fleetName + ", jdbc-url: \"jdbc:mariadb://127.0.0.1:3306/" + db + "\", user: " + user
                        + ", password-file: " + f.dir.resolve("db-password") + ", checkin-interval: 2s}\n");
    }

    private String self() {
        return "cfs-it-" + f.id;
    }

    private FleetStore store(Path cfg) {
        return new Services(cfg, System.getenv(), new Cancellation(), new PrintWriter(new StringWriter())).fleet();
    }

    /** Another host of the fleet: a node row checked in now (alive for an hour) or 10 min ago (dead). */
    private void node(FleetStore store, String node, String machine, boolean alive) throws Exception {
        store.register(node, machine, Instant.now());
        long checkin = alive ? System.currentTimeMillis() : System.currentTimeMillis() - 600_000;
        long interval = alive ? 3_600_000 : 2_000;
        sql("INSERT INTO " + db + ".QRTZ_SCHEDULER_STATE (SCHED_NAME, INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL)"
                + " VALUES ('" + store.schedulerName() + "', '" + node + "', " + checkin + ", " + interval + ")");
    }

    /** A real restic on the machine {@code machine} (its own UTS namespace), holding a backup's lock while it lives. */
    private Process backupOn(String machine) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("unshare", "--uts", "sh", "-c",
                "hostname \"$1\" && exec restic -r \"$2\" backup --stdin -q", "sh", machine, f.repo.toString());
        pb.environment().put("RESTIC_PASSWORD_FILE", f.dir.resolve("pw").toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        others.add(p);
        awaitLock(machine, false);
        return p;
    }

    /** An exclusive lock of a restic check on {@code machine}, left in the repository (its restic killed with -9). */
    private String exclusiveLockOf(String machine) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            ProcessBuilder pb = new ProcessBuilder("unshare", "--uts", "sh", "-c",
                    "hostname \"$1\" && exec restic -r \"$2\" check --read-data", "sh", machine, f.repo.toString());
            pb.environment().put("RESTIC_PASSWORD_FILE", f.dir.resolve("pw").toString());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (p.isAlive() && lockFiles().isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            // the file appears before restic has written it: give it a moment (a check here takes 0.5-1 s)
            TimeUnit.MILLISECONDS.sleep(150);
            p.destroyForcibly().waitFor();
            for (RepositoryLocks.Lock l : locks().list()) {
                if (l.hostname().equals(machine) && l.exclusive()) {
                    return l.id();
                }
            }
            // missed (the check ended first, or its lock was cut short): start again from no lock
            for (Path l : lockFiles()) {
                Files.deleteIfExists(l);
            }
        }
        throw new AssertionError("could not catch restic check's exclusive lock");
    }

    /** The other host's backup gets its data and ends (restic refuses an empty stdin). */
    private static void finish(Process backup) throws IOException {
        backup.getOutputStream().write(("data of the other host\n").getBytes());
        backup.getOutputStream().close();
    }

    private List<Path> lockFiles() throws IOException {
        try (Stream<Path> s = Files.list(f.repo.resolve("locks"))) {
            return s.toList();
        }
    }

    private RepositoryLocks locks() {
        return new RepositoryLocks(new Services(f.dir.resolve("config.yaml"), System.getenv(), new Cancellation(),
                new PrintWriter(new StringWriter())).restic(), m -> { });
    }

    private void awaitLock(String machine, boolean exclusive) throws InterruptedException {
        DaemonFixture.await(Duration.ofSeconds(30), "a lock of " + machine, () -> locks().list().stream()
                .anyMatch(l -> l.hostname().equals(machine) && l.exclusive() == exclusive));
    }

    private void restic(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("restic", "-r", f.repo.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RESTIC_PASSWORD_FILE", f.dir.resolve("pw").toString());
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor(), cmd.toString());
    }

    @Test
    void aDeadNodesStaleLockIsClearedByALiveNodeAndNoOtherLock() throws Exception {
        Path cfg = config("{backup: " + DaemonFixture.never() + "}");
        FleetStore store = store(cfg);
        store.ensureSchema();
        store.register(self(), RepositoryLocks.osHostName(), Instant.now());
        node(store, "node-dead-" + id, "m-dead-" + id, false);
        node(store, "node-up-" + id, "m-up-" + id, true);
        // a dead node's restic, killed with -9 in a backup: its lock stays
        backupOn("m-dead-" + id).destroyForcibly().waitFor();
        // a live node's backup, running
        Process up = backupOn("m-up-" + id);
        // a host that never joined the fleet, its restic killed too: not the fleet's to judge
        backupOn("m-stranger-" + id).destroyForcibly().waitFor();

        // restic's own unlock cannot tell: none of these are of this machine, all are younger than 30 min
        restic("unlock");
        assertEquals(3, locks().list().size());

        List<RepositoryLocks.Lock> removed = locks().clearDeadNodes(store.members(Instant.now()), self());
        assertEquals(List.of("m-dead-" + id), removed.stream().map(RepositoryLocks.Lock::hostname).toList());
        List<String> left = locks().list().stream().map(RepositoryLocks.Lock::hostname).sorted().toList();
        assertEquals(List.of("m-stranger-" + id, "m-up-" + id), left);

        // the live node finishes its backup: its lock goes with it
        finish(up);
        assertTrue(up.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, up.exitValue());
        assertEquals(List.of("m-stranger-" + id), locks().list().stream().map(RepositoryLocks.Lock::hostname).toList());
        // every lock a dead node's (the node's row gone, as after Quartz's recovery): all of them clear
        store.register("node-stranger-" + id, "m-stranger-" + id, Instant.now());
        assertEquals(1, locks().clearDeadNodes(store.members(Instant.now()), self()).size());
        assertTrue(lockFiles().isEmpty());
    }

    @Test
    void aDeadNodesLockInAnRcloneRepositoryIsRemovedThroughRclone() throws Exception {
        Path conf = Files.writeString(f.dir.resolve("rclone.conf"), "[loc-" + id + "]\ntype = local\n");
        Path cfg = config("{backup: " + DaemonFixture.never() + "}");
        Files.writeString(cfg, Files.readString(cfg).replace("url: " + f.repo, "url: \"rclone:loc-" + id + ":" + f.repo + "\"")
                + "rclone: {config: " + conf + ", remote: loc-" + id + "}\n");
        FleetStore store = store(cfg);
        store.ensureSchema();
        node(store, "node-dead-" + id, "m-dead-" + id, false);
        Process up = backupOn("m-up-" + id);
        node(store, "node-up-" + id, "m-up-" + id, true);
        backupOn("m-dead-" + id).destroyForcibly().waitFor();
        RepositoryLocks rl = locks();
        assertEquals(2, rl.list().size(), "restic lists the locks through rclone");
        assertEquals(List.of("m-dead-" + id), rl.clearDeadNodes(store.members(Instant.now()), self()).stream()
                .map(RepositoryLocks.Lock::hostname).toList());
        assertEquals(List.of("m-up-" + id), rl.list().stream().map(RepositoryLocks.Lock::hostname).toList());
        finish(up);
        assertTrue(up.waitFor(60, TimeUnit.SECONDS));
    }

    @Test
    void aFleetPruneWaitsBoundedForAnotherHostsBackupThenRunsAndTheCheckRotatesFleetWide() throws Exception {
        Path cfg = config("{backup: " + DaemonFixture.never() + ", prune: \"0/3 * * * * ?\", check: \"1/3 * * * * ?\", drill: "
                + DaemonFixture.never() + ", quota: " + DaemonFixture.never() + ", audit: " + DaemonFixture.never() + "}");
        assertEquals(0, f.run(cfg, "backup").exit());
        FleetStore store = store(cfg);
        store.ensureSchema();
        node(store, "node-up-" + id, "m-up-" + id, true);
        node(store, "node-dead-" + id, "m-dead-" + id, false);
        // a dead node's stale lock (cleared by the waiting job itself) and a live host's running backup
        backupOn("m-dead-" + id).destroyForcibly().waitFor();
        Process up = backupOn("m-up-" + id);
        RecordingAlerts alerts = new SyncAlerts();
        AtomicInteger phase = new AtomicInteger();
        runDaemon(cfg, alerts, d -> d.fleetWaits(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(4)), () -> {
            try {
                if (phase.get() == 0 && alerts.open.containsKey("fleet-wait:prune")) {
                    // the prune waited its bound for the live host's backup: alerted, nothing ran
                    assertTrue(store.runs(100).stream().noneMatch(r -> r.job().equals("prune") && "ok".equals(r.outcome())));
                    assertTrue(lockFiles().size() == 1, "the dead node's lock was removed while waiting");
                    finish(up);
                    assertTrue(up.waitFor(60, TimeUnit.SECONDS));
                    phase.set(1);
                }
                return phase.get() == 1 && !alerts.open.containsKey("fleet-wait:prune")
                        && store.runs(100).stream().anyMatch(r -> r.job().equals("prune") && "ok".equals(r.outcome()))
                        && store.runs(100).stream().filter(r -> r.job().equals("check") && "ok".equals(r.outcome())).count() >= 4;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(alerts.events.contains("raise fleet-wait:prune WARNING"), alerts.events.toString());
        assertTrue(alerts.events.contains("clear fleet-wait:prune"), alerts.events.toString());
        String log = Files.readString(f.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("fleet-unlock") && log.contains("m-dead-" + id), "the dead node's lock removal is in the audit log");

        // the check's subsets follow each other fleet-wide: 1/3, 2/3, 3/3, 1/3 ... in the history,
        // the rotation's state in the fleet's database (no local rotation file)
        List<String> subsets = new RunHistory(f.stateDir).all().stream().filter(r -> r.job().equals("check")
                && r.status().equals("ok") && r.figures() != null && r.figures().containsKey("trigger")).map(r -> String.valueOf(r.figures().get("read_data_subset"))).toList();
        for (int i = 1; i < subsets.size(); i++) {
            int prev = Integer.parseInt(subsets.get(i - 1).substring(0, 1));
            assertEquals((prev % 3 + 1) + "/3", subsets.get(i), subsets.toString());
        }
        assertFalse(Files.exists(f.stateDir.resolve("check-rotation.json")));
        int last = Integer.parseInt(subsets.get(subsets.size() - 1).substring(0, 1));
        FleetStore.CheckRotationState rot = store.checkRotation(3);
        assertEquals(last % 3 + 1, rot.next());
        assertEquals(self(), rot.node());
        // another node's view is the same rotation: it would read the next subset, not its own 1/3
        DaemonFixture.Result st = f.run(cfg, "status", "--fleet", "--json");
        JsonNode doc = JSON.readTree(st.out());
        assertEquals(rot.subset(), doc.path("check_rotation").path("subset").asText(), st.out());
        assertEquals(self(), doc.path("check_rotation").path("node").asText(), st.out());
        // a repeated run of an old subset (a recovery) does not move the rotation twice
        assertEquals(rot.next(), store.advanceCheckRotation(last, 3, "node-up-" + id, Instant.now()).next());
        assertTrue(lockFiles().isEmpty());
    }

    @Test
    void aFleetCheckThatMeetsABackupStartingBetweenItsLookAndItsStartWaitsForItThenRuns() throws Exception {
        Path cfg = config("{backup: " + DaemonFixture.never() + ", prune: " + DaemonFixture.never() + ", check: \"0/15 * * * * ?\", drill: "
                + DaemonFixture.never() + ", quota: " + DaemonFixture.never() + ", audit: " + DaemonFixture.never() + "}");
        assertEquals(0, f.run(cfg, "backup").exit());
        // restic as the daemon runs it: just before the first check starts, another host's backup takes
        // its lock (after the daemon saw the repository free) and holds it for 8 s
        Path wrapper = f.dir.resolve("restic-race");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "for a in \"$@\"; do\n"
                + "  if [ \"$a\" = check ] && [ ! -e '" + f.dir.resolve("raced") + "' ]; then\n"
                + "    touch '" + f.dir.resolve("raced") + "'\n"
                + "    (exec </dev/null >/dev/null 2>&1; sleep 8 | unshare --uts sh -c 'hostname m-up-" + id
                + " && exec restic -r \"$0\" backup --stdin -q' '" + f.repo + "') &\n"
                + "    i=0; while [ -z \"$(ls '" + f.repo.resolve("locks") + "')\" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done\n"
                + "  fi\n"
                + "done\n"
                + "exec restic \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("CFS_BACKUP_RESTIC", wrapper.toString());
        FleetStore store = store(cfg);
        store.ensureSchema();
        RecordingAlerts alerts = new SyncAlerts();
        runDaemon(cfg, env, alerts, d -> d.fleetWaits(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60)),
                () -> {
                    List<FleetStore.Run> runs = store.runs(100).stream().filter(r -> r.job().equals("check")).toList();
                    return runs.stream().anyMatch(failed -> "failed".equals(failed.outcome()) && runs.stream()
                            .anyMatch(ok -> "ok".equals(ok.outcome()) && ok.fire().equals(failed.fire())
                                    && ok.start().isAfter(failed.start())));
                });
        assertTrue(Files.exists(f.dir.resolve("raced")), "the race was staged");
        String log = Files.readString(f.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=daemon-check") && log.contains("trigger=wait-schedule"), log);
        assertFalse(alerts.open.containsKey("fleet-wait:check"), alerts.events.toString());
    }

    @Test
    void aBackupWaitsForTheFleetJobsExclusiveLockThenRunsAndPastItsBoundRunsAnywayAlerted() throws Exception {
        Path cfg = config("{backup: \"0/2 * * * * ?\", prune: " + DaemonFixture.never() + ", check: " + DaemonFixture.never()
                + ", drill: " + DaemonFixture.never() + ", quota: " + DaemonFixture.never() + ", audit: "
                + DaemonFixture.never() + "}");
        assertEquals(0, f.run(cfg, "backup").exit());
        FleetStore store = store(cfg);
        store.ensureSchema();
        node(store, "node-up-" + id, "m-up-" + id, true);
        // a fleet check on a live node holds the repository exclusively
        String lock = exclusiveLockOf("m-up-" + id);
        RecordingAlerts alerts = new SyncAlerts();
        AtomicInteger phase = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Instant> released = new java.util.concurrent.atomic.AtomicReference<>();
        RunHistory history = new RunHistory(f.stateDir);
        int before = history.all().size();
        runDaemon(cfg, alerts, d -> d.fleetWaits(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(5)), () -> {
            try {
                List<RunRecord> runs = history.all().stream().skip(before).filter(r -> r.job().equals("backup")
                        && r.source() == null).toList();
                if (phase.get() == 0 && alerts.open.containsKey("fleet-wait:backup")) {
                    // past its bound the backup ran anyway, and failed on the lock
                    phase.set(1);
                }
                if (phase.get() == 1 && runs.stream().anyMatch(r -> !r.status().equals("ok"))) {
                    // the fleet job ends: its lock goes
                    released.set(Instant.now());
                    Files.delete(f.repo.resolve("locks").resolve(lock));
                    phase.set(2);
                }
                return phase.get() == 2 && runs.stream().anyMatch(r -> r.status().equals("ok"))
                        && !alerts.open.containsKey("fleet-wait:backup");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        List<RunRecord> runs = history.all().stream().skip(before).filter(r -> r.job().equals("backup") && r.source() == null).toList();
        // while the exclusive lock was there no backup got through: only the ones past the bound ran, and failed on it
        List<RunRecord> whileLocked = runs.stream().filter(r -> r.start().isBefore(released.get())).toList();
        assertFalse(whileLocked.isEmpty(), runs.toString());
        assertTrue(whileLocked.stream().noneMatch(r -> r.status().equals("ok")), runs.toString());
        assertTrue(runs.stream().anyMatch(r -> r.status().equals("ok") && r.start().isAfter(released.get())), runs.toString());
        String log = Files.readString(f.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=daemon-backup outcome=waiting"), log);
        assertTrue(alerts.events.contains("raise fleet-wait:backup WARNING"), alerts.events.toString());
    }

    /** The daemon's thread raises and clears, the test's thread looks. */
    static final class SyncAlerts extends RecordingAlerts {
        @Override
        public synchronized void raise(String key, Severity severity, String title, String message) {
            super.raise(key, severity, title, message);
        }

        @Override
        public synchronized void clear(String key, String message) {
            super.clear(key, message);
        }
    }

    private void runDaemon(Path cfg, RecordingAlerts alerts, java.util.function.Consumer<Daemon> tune, BooleanSupplier until)
            throws Exception {
        runDaemon(cfg, System.getenv(), alerts, tune, until);
    }

    private void runDaemon(Path cfg, java.util.Map<String, String> env, RecordingAlerts alerts,
                           java.util.function.Consumer<Daemon> tune, BooleanSupplier until) throws Exception {
        Cancellation cancel = new Cancellation();
        StringWriter err = new StringWriter();
        PrintWriter errW = new PrintWriter(err, true);
        Services s = new Services(cfg, env, cancel, errW);
        Config config = new ConfigLoader().load(cfg);
        JobRunner jobs = new Jobs(s, errW, ProgressListener.NONE);
        Daemon d = new Daemon(new Daemon.Context(config, cfg, cancel, Clock.systemDefaultZone(), alerts, s.restic(),
                s.history(), s.auditLog(), jobs, s.fleet()));
        tune.accept(d);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(d.run()), "fleet-daemon-under-test");
        t.start();
        try {
            try {
                DaemonFixture.await(Duration.ofSeconds(120), "the daemon's work", () -> {
                    synchronized (alerts) {
                        return until.getAsBoolean();
                    }
                });
            } catch (AssertionError e) {
                Path log = f.dir.resolve("log/cfs-backup.log");
                throw new AssertionError(e.getMessage() + "; alerts " + alerts.events + "; audit log:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)") + "\nhistory: " + s.history().all(), e);
            }
        } finally {
            d.stop();
            t.join(60_000);
        }
        assertFalse(t.isAlive());
        assertEquals(0, exit.get(), err.toString());
    }

    private static void sql(String statements) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mariadb", "--protocol=socket", "-e", statements).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("mariadb: " + out);
        }
    }
}
