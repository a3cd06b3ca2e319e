package org.cfs.backup.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;

/**
 * What {@code status --fleet} shows: every node with its last check-in, every host's sources with
 * their newest snapshot in the shared repository, and the fleet jobs with where they last ran.
 */
public final class FleetStatus {
    /** One source of one host. */
    public record SourceStatus(String source, Instant newestSnapshotTime, boolean stale) {
    }

    /** One host of the repository (a node of the fleet, or a host that backed up into it before). */
    public record HostStatus(String host, List<SourceStatus> sources) {
    }

    /** One fleet job: its last run, the node it ran on, its next fire. */
    public record JobStatus(String job, Instant lastRun, String lastStatus, String lastNode, Instant nextRun) {
    }

    /** The whole {@code status --fleet --json} document. */
    public record Document(String fleet, Instant now, List<FleetStore.Node> nodes, List<HostStatus> hosts,
                           List<JobStatus> jobs, String repositoryError, String storeError,
                           FleetStore.CheckRotationState checkRotation) {
        /** Without the check rotation (a store that could not be read). */
        public Document(String fleet, Instant now, List<FleetStore.Node> nodes, List<HostStatus> hosts,
                        List<JobStatus> jobs, String repositoryError, String storeError) {
            this(fleet, now, nodes, hosts, jobs, repositoryError, storeError, null);
        }

        /** 3 when a node is gone, a source stale, or the store or repository cannot be read; else 0. */
        public int exitCode() {
            boolean bad = repositoryError != null || storeError != null
                    || nodes.stream().anyMatch(n -> !n.alive())
                    || hosts.stream().anyMatch(h -> h.sources().stream().anyMatch(SourceStatus::stale));
            return bad ? ExitCode.PARTIAL : ExitCode.OK;
        }
    }

    private FleetStatus() {
    }

    public static Document build(String fleetName, FleetStore store, Restic restic, List<String> fleetJobs,
                                 Duration staleAfter, Instant now) {
        return build(fleetName, store, restic, fleetJobs, staleAfter, now, 0);
    }

    /** As above, with where the fleet's check rotation of {@code checkSubsets} subsets stands (0: not shown). */
    public static Document build(String fleetName, FleetStore store, Restic restic, List<String> fleetJobs,
                                 Duration staleAfter, Instant now, int checkSubsets) {
        FleetStore.CheckRotationState rotation = null;
        List<FleetStore.Node> nodes = List.of();
        List<JobStatus> jobs = new ArrayList<>();
        String storeError = null;
        try {
            nodes = store.nodes(now);
            List<FleetStore.Run> runs = store.runs(500);
            Map<String, Instant> next = new TreeMap<>();
            store.nextFires().forEach(f -> next.put(f.job(), f.nextRun()));
            if (checkSubsets > 0) {
                rotation = store.checkRotation(checkSubsets);
            }
            for (String job : fleetJobs) {
                FleetStore.Run last = runs.stream().filter(r -> r.job().equals(job)).findFirst().orElse(null);
                jobs.add(new JobStatus(job, last == null ? null : last.start(),
                        last == null ? null : last.outcome() == null ? "running" : last.outcome(),
                        last == null ? null : last.node(), next.get(job)));
            }
        } catch (CfsException e) {
            storeError = e.getMessage();
        }
        List<HostStatus> hosts = new ArrayList<>();
        String repoError = null;
        try {
            Map<String, Map<String, Instant>> newest = new TreeMap<>();
            for (Snapshot s : restic.snapshotsNoLock(null, List.of())) {
                if (!s.isRegular() || s.hostname() == null || s.time() == null) {
                    continue;
                }
                for (String tag : s.tagsOrEmpty()) {
                    newest.computeIfAbsent(s.hostname(), h -> new TreeMap<>())
                            .merge(tag, s.time(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
            newest.forEach((host, tags) -> {
                List<SourceStatus> sources = new ArrayList<>();
                tags.forEach((tag, t) -> sources.add(new SourceStatus(tag, t, Duration.between(t, now).compareTo(staleAfter) > 0)));
                hosts.add(new HostStatus(host, sources));
            });
        } catch (CfsException e) {
            repoError = e.getMessage();
        }
        return new Document(fleetName, now, nodes, hosts, jobs, repoError, storeError, rotation);
    }
}
