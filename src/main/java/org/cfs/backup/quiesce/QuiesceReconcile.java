package org.cfs.backup.quiesce;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.state.QuiesceJournal;
import org.cfs.backup.state.QuiesceJournal.Entry;

/**
 * Resumes what dead owners left stopped or paused (the quiesce journal's entries) and drops their
 * entries. Entries of a live owner are left to it: a {@code status} during a backup must not start
 * what it just stopped. Moved here from {@code state.QuiesceJournal} (issue 10): {@code state}
 * keeps only the file, this package knows Docker.
 */
public final class QuiesceReconcile {
    /** Seconds beyond the stop time-out that a dead owner's stop may take (Docker's kill, the exit). */
    static final int STOP_MARGIN_SECONDS = 10;

    private QuiesceReconcile() {
    }

    /** @return the entries that were acted on (for the log and alerts) */
    public static List<Entry> reconcile(QuiesceJournal journal, Docker docker, Consumer<String> log) {
        return reconcile(journal, docker, log, e -> false);
    }

    /**
     * As {@link #reconcile(QuiesceJournal, Docker, Consumer)}, but leaves alone (entry kept) the
     * entries {@code hold} names: containers whose volume is in the middle of an unfinished in-place restore.
     */
    public static List<Entry> reconcile(QuiesceJournal journal, Docker docker, Consumer<String> log,
                                        Predicate<Entry> hold) {
        if (!journal.exists()) {
            return List.of();
        }
        List<Entry> handled = new ArrayList<>();
        journal.change(entries -> {
            List<Entry> remaining = new ArrayList<>();
            for (Entry e : entries) {
                if (QuiesceJournal.ownerAlive(e)) {
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
                        long stops = entries.stream().filter(o -> o.pid() == e.pid() && "stop".equals(o.action())
                                && java.util.Objects.equals(o.volume(), e.volume())).count();
                        state = awaitStopped(docker, e, Math.max(1, stops), log);
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
     * time-out (the entry's, else at least 30 s; counted from the entry, once per container of the
     * same stop, as they are stopped one after another) plus a margin, as Docker then kills it.
     * Returns its state then.
     */
    private static String awaitStopped(Docker docker, Entry e, long stops, Consumer<String> log) {
        Instant since = e.since() == null ? Instant.now() : e.since();
        // an entry without its time-out: of an older version (which used 30 s) or of a caller that
        // did not say; waiting longer costs nothing, as the loop ends once the container is down
        int timeout = e.stopTimeoutS() != null ? e.stopTimeoutS() : Math.max(30, docker.stopTimeoutSeconds());
        Instant deadline = since.plusSeconds(timeout * stops + STOP_MARGIN_SECONDS);
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
}
