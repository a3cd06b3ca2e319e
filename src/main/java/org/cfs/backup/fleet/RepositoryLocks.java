package org.cfs.backup.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.RepositoryFiles;
import org.cfs.backup.restic.Restic;

/**
 * The repository's restic locks as the fleet sees them (issue 18): who holds each one (restic's
 * lock records the holder's host name and pid), whether one is exclusive (a prune or check), and
 * which were left by dead nodes of the fleet. restic 0.14 itself only calls a lock stale when its
 * pid is dead on the host that asks, or after 30 min; a lock left on another host by a node that
 * the cluster's node table ({@code QRTZ_SCHEDULER_STATE}) calls dead is stale too, and a live node
 * removes it: that host's locks only (the lock files, through the repository's backend), or
 * {@code restic unlock --remove-all} when the backend cannot remove one file and every lock is a
 * dead node's.
 */
public final class RepositoryLocks {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One lock: its id and what restic wrote into it. */
    public record Lock(String id, Instant time, boolean exclusive, String hostname, long pid) {
    }

    private final Restic restic;
    private final Consumer<String> log;

    public RepositoryLocks(Restic restic, Consumer<String> log) {
        this.restic = restic;
        this.log = log;
    }

    /** Every lock of the repository ({@code list locks --no-lock}, then {@code cat lock ID --no-lock} each). */
    public List<Lock> list() {
        List<Lock> out = new ArrayList<>();
        for (String id : restic.locks()) {
            String json = restic.catLock(id);
            if (json == null) {
                continue; // removed between the two calls: its holder finished
            }
            try {
                JsonNode n = JSON.readTree(json);
                Instant time = n.hasNonNull("time") ? Instant.parse(n.path("time").asText()) : null;
                out.add(new Lock(id, time, n.path("exclusive").asBoolean(false), n.path("hostname").asText(""),
                        n.path("pid").asLong(-1)));
            } catch (IOException | RuntimeException e) {
                throw new CfsException(ExitCode.FAILED, "cannot read restic lock " + id + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The locks whose host is a dead node of the fleet: the lock's host name is a member's node name
     * or machine host name, and every member of that name is dead. A lock of this machine is
     * restic's to judge (it sees the pid), and one of a host that never joined the fleet (a host
     * outside it, a manual restic elsewhere) is never taken as stale here.
     */
    public static List<Lock> ofDeadNodes(List<Lock> locks, List<FleetStore.Member> members, String self) {
        return locks.stream().filter(l -> {
            if (l.hostname().isEmpty() || l.hostname().equals(self) || l.hostname().equals(osHostName())) {
                return false;
            }
            List<FleetStore.Member> of = members.stream()
                    .filter(m -> m.node().equals(l.hostname()) || m.hostname().equals(l.hostname())).toList();
            return !of.isEmpty() && of.stream().noneMatch(FleetStore.Member::alive);
        }).toList();
    }

    /** This machine's host name, as restic writes it into its locks. */
    public static String osHostName() {


        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Removes the locks of dead nodes; returns the ones removed. Only those locks go: each one's
     * file in the repository ({@code locks/ID}) for a local or {@code rclone:} repository; for
     * another backend, {@code restic unlock --remove-all} when every lock is a dead node's, else none.
     */
    public List<Lock> clearDeadNodes(List<FleetStore.Member> members, String self) {
        List<Lock> locks = list();
        List<Lock> dead = ofDeadNodes(locks, members, self);
        if (dead.isEmpty()) {
            return List.of();
        }
        String repo = restic.settings().repository();
        List<Lock> removed = new ArrayList<>();
        if (RepositoryFiles.listable(repo)) {
            for (Lock l : dead) {
                remove(repo, l);
                removed.add(l);
                log.accept("removed the stale restic lock " + l.id().substring(0, 8) + " of the dead node " + l.hostname()
                        + " (pid " + l.pid() + ", since " + l.time() + ")");
            }
            return removed;
        }
        if (dead.size() == locks.size()) {
            restic.unlockRemoveAll();
            dead.forEach(l -> log.accept("removed the stale restic lock " + l.id().substring(0, 8) + " of the dead node "
                    + l.hostname() + " (restic unlock --remove-all: every lock was a dead node's)"));
            return dead;
        }
        log.accept("stale restic locks of dead nodes " + dead.stream().map(Lock::hostname).distinct().toList()
                + " stay: live hosts hold locks too and this backend cannot remove one lock alone");
        return List.of();
    }

    private void remove(String repo, Lock l) {
        Path local = RepositoryFiles.localPath(repo);
        if (local != null) {
            try {
                Files.delete(local.resolve("locks").resolve(l.id()));
            } catch (NoSuchFileException gone) {
                // removed meanwhile
            } catch (IOException e) {
                throw new CfsException(ExitCode.FAILED, "cannot remove the stale lock " + l.id() + ": " + e.getMessage());
            }
            return;
        }
        // rclone:REMOTE:PATH -> rclone deletefile REMOTE:PATH/locks/ID, with restic's rclone environment
        String target = RepositoryFiles.rcloneTarget(repo, "locks/" + l.id());
        ProcessResult r = restic.runBeside(List.of("rclone", "deletefile", target, "--ask-password=false"));
        if (!r.ok() && !r.stderrTail().contains("not found")) {
            throw new CfsException(ExitCode.FAILED, "cannot remove the stale lock " + l.id() + ": rclone deletefile: "
                    + r.stderrTail().lines().reduce((a, b) -> b).orElse("exit " + r.exitCode()));
        }
    }

    /** True when a lock is exclusive: a prune or check (or forget) holds the repository. */
    public static boolean exclusiveHeld(List<Lock> locks) {
        return locks.stream().anyMatch(Lock::exclusive);
    }
}
