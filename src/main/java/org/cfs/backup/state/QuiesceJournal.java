package org.cfs.backup.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;

/**
 * The crash-safe record of containers this host stopped or paused and has not resumed yet.
 * Written (fsync'd) before a container is touched; any later cfs-backup command resumes the
 * entries of owners that died.
 */
public final class QuiesceJournal {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** What was done to one container, and by which process (pid plus its start time, against pid reuse). */
    public record Entry(long pid, Instant pidStart, String command, String container, String name, String action,
                        String volume, Instant since) {
    }

    private final Path file;
    private final LockedJsonFile<Entry> store;

    public QuiesceJournal(Path stateDir) {
        this.file = stateDir.resolve("quiesce-journal.json");
        this.store = new LockedJsonFile<>(file, stateDir.resolve("quiesce-journal.lock"),
                LockedJsonFile.Codec.array(JSON, Entry[].class),
                LockedJsonFile.OnCorrupt.FAIL, true);
    }

    public Path file() {
        return file;
    }

    /** Records, before acting, that this process is about to stop or pause these containers. */
    public void record(List<Docker.Container> containers, String action, String volume, String command) {
        long pid = ProcessHandle.current().pid();
        Instant start = ProcessHandle.current().info().startInstant().orElse(null);
        Instant now = Instant.now();
        update(entries -> {
            for (Docker.Container c : containers) {
                entries.add(new Entry(pid, start, command, c.id(), c.name(), action, volume, now));
            }
        });
    }

    /** Removes this process's entries for containers it has resumed. */
    public void clear(List<String> containerIds) {
        long pid = ProcessHandle.current().pid();
        update(entries -> entries.removeIf(e -> e.pid() == pid && containerIds.contains(e.container())));
    }

    public List<Entry> entries() {
        return entriesNow();
    }

    /**
     * Resumes what dead owners left stopped or paused, and drops their entries. Entries of a live
     * owner are left to it: a {@code status} during a backup must not start what it just stopped.
     *
     * @return the entries that were acted on (for the log and alerts)
     */
    public List<Entry> reconcile(Docker docker, Consumer<String> log) {
        return reconcile(docker, log, e -> false);
    }

    /**
     * As {@link #reconcile(Docker, Consumer)}, but leaves alone (entry kept) the entries {@code hold}
     * names: containers whose volume is in the middle of an unfinished in-place restore.
     */
    public List<Entry> reconcile(Docker docker, Consumer<String> log, java.util.function.Predicate<Entry> hold) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> handled = new ArrayList<>();
        update(entries -> {
            List<Entry> remaining = new ArrayList<>();
            for (Entry e : entries) {
                if (ownerAlive(e)) {
                    remaining.add(e);
                    continue;
                }
                if (hold.test(e)) {
                    remaining.add(e);
                    log.accept("container " + e.name() + " stays " + (e.action().equals("pause") ? "paused" : "stopped")
                            + ": an in-place restore of its volume " + e.volume() + " is unfinished");
                    continue;
                }
                Docker.StateInfo info = docker.stateInfo(e.container());
                String state = info.status();
                try {
                    if ("running".equals(state) && "stop".equals(e.action()) && notStartedSince(info, e)) {
                        // the owner died while `docker stop` waited for the container: the engine
                        // finishes that stop on its own, so wait for it (bounded), then start it again
                        state = awaitStopped(docker, e, log);
                    }
                    if ("paused".equals(state)) {
                        docker.unpause(List.of(e.container()));
                        log.accept("resumed (unpaused) container " + e.name() + " left paused by cfs-backup pid " + e.pid() + " (no longer running)");
                    } else if ("exited".equals(state) || "created".equals(state) || "dead".equals(state)) {
                        docker.start(List.of(e.container()));
                        log.accept("started container " + e.name() + " left stopped by cfs-backup pid " + e.pid() + " (no longer running)");
                    } else if ("missing".equals(state)) {
                        log.accept("container " + e.name() + " from the quiesce journal no longer exists; entry dropped");
                    } else if (!"running".equals(state)) {
                        // restarting, removing: not ours to act on now; the next command looks again
                        remaining.add(e);
                        log.accept("container " + e.name() + " is " + state + "; its quiesce-journal entry is kept");
                        continue;
                    } else {
                        // running again (restarted by its owner before it died, or by hand): nothing was resumed
                        log.accept("container " + e.name() + " left by cfs-backup pid " + e.pid()
                                + " is running again; entry dropped");
                        continue;
                    }
                    handled.add(e);
                } catch (CfsException ex) {
                    // keep the entry so that the next command tries again
                    remaining.add(e);
                    log.accept("could not resume container " + e.name() + ": " + ex.getMessage());
                }
            }
            entries.clear();
            entries.addAll(remaining);
        });
        return handled;
    }

    /** True when the container has not been started since the entry was written (so a stop may be in flight). */
    private static boolean notStartedSince(Docker.StateInfo info, Entry e) {
        return info.startedAt() == null || e.since() == null || !info.startedAt().isAfter(e.since());
    }

    /**
     * Waits until a container a dead owner was stopping has stopped: at most until the stop's own
     * time-out (counted from the entry) plus a margin, as Docker then kills it. Returns its state then.
     */
    private static String awaitStopped(Docker docker, Entry e, Consumer<String> log) {
        Instant since = e.since() == null ? Instant.now() : e.since();
        Instant deadline = since.plusSeconds(docker.stopTimeoutSeconds() + STOP_MARGIN_SECONDS);
        String state = "running";
        if (Instant.now().isBefore(deadline)) {
            log.accept("container " + e.name() + " is still stopping (cfs-backup pid " + e.pid() + " died during its `docker stop`):"
                    + " waiting up to " + Math.max(1, java.time.Duration.between(Instant.now(), deadline).toSeconds())
                    + " s for it to stop, then starting it again");
        }
        while (Instant.now().isBefore(deadline)) {
            state = docker.stateInfo(e.container()).status();
            if (!"running".equals(state)) {
                return state;
            }
            try {
                Thread.sleep(250); // the engine has no "stopped" event the CLI can wait on without racing
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return docker.stateInfo(e.container()).status();
    }

    /** Seconds beyond the stop time-out that a dead owner's stop may take (Docker's kill, the exit). */
    static final int STOP_MARGIN_SECONDS = 10;

    static boolean ownerAlive(Entry e) {
        return Owner.alive(e.pid(), e.pidStart());
    }

    private void update(java.util.function.Consumer<List<Entry>> change) {
        store.changeOrFail("quiesce journal", change);
    }

    private List<Entry> entriesNow() {
        return store.readOrFail("quiesce journal");
    }
}
