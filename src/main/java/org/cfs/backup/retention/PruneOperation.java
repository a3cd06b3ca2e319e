package org.cfs.backup.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.rclone.Rclone;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticError;
import org.cfs.backup.restic.ResticException;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * Retention: clears stale locks, then per source {@code restic forget} with the keep-* policy
 * (grouped by host and tags, so every source keeps its own count), unless the shrink guard holds
 * the source; then {@code restic prune}. In a fleet the node that prunes does the same for every
 * other host's sources found in the repository (one {@code forget --host H --tag T} each, each with
 * its own shrink guard), so one host's broken source holds only that host's group. Forget and prune run as two commands because restic 0.14
 * prints plain text after the JSON of {@code forget --json --prune}.
 */
public final class PruneOperation {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Snapshots the policy never counts: a two-pass backup's first pass, a restore's way back. */
    static final List<String> NOT_COUNTED = org.cfs.backup.restic.Snapshot.RESERVED_TAGS;

    private final Config config;
    private final Restic restic;
    private final Rclone rclone;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final Consumer<String> log;
    /** Told restic prune's own status lines (issue 14: a terminal shows them); null when nobody watches. */
    private org.cfs.backup.restic.ResticProgress.Listener progress;

    public PruneOperation(Config config, Restic restic, Rclone rclone, Cancellation cancellation, RunHistory history, AuditLog auditLog, Consumer<String> log) {
        this.config = config;
        this.restic = restic;
        this.rclone = rclone;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.log = log;
    }

    /** Tells the listener the progress of restic prune; null for none. */
    public PruneOperation progress(org.cfs.backup.restic.ResticProgress.Listener listener) {
        this.progress = listener;
        return this;
    }

    public PruneReport run(List<SourceConfig> sources, boolean dryRun, boolean force) {
        Instant start = Instant.now();
        try {
            return run0(sources, dryRun, force, start);
        } catch (ResticException e) {
            if (e.error() == ResticError.INTERRUPTED || cancellation.isCancelled()) {
                record(start, "interrupted", dryRun, List.of(), "interrupted by signal");
                throw new CancelledException();
            }
            throw e;
        } catch (CancelledException e) {
            record(start, "interrupted", dryRun, List.of(), "interrupted by signal");
            throw e;
        }
    }

    private PruneReport run0(List<SourceConfig> sources, boolean dryRun, boolean force, Instant start) {
        // restic 0.14's forget/prune fail at once on any lock, stale ones included
        restic.unlock();
        List<String> policy = RetentionPolicy.flags(config.retention());
        List<PruneReport.SourcePrune> results = new ArrayList<>();
        for (SourceConfig s : sources) {
            cancellation.check();
            results.add(source(config.host(), s.name(), policy, dryRun, force));
        }
        // fleet mode (issue 18): the node that runs the fleet's prune applies retention to every host's
        // snapshots, each host and source its own group with its own shrink guard
        for (Map.Entry<String, List<String>> other : otherHosts().entrySet()) {
            for (String tag : other.getValue()) {
                cancellation.check();
                results.add(source(other.getKey(), tag, policy, dryRun, force));
            }
        }
        boolean anyGuarded = results.stream().anyMatch(PruneReport.SourcePrune::guarded);
        long failed = results.stream().filter(r -> r.error() != null).count();
        boolean pruned = false;
        String summary = null;
        String error = null;
        if (!dryRun && failed < results.size()) {
            cancellation.check();
            try {
                summary = summarize(restic.prune(false, progress));
                pruned = true;
            } catch (ResticException e) {
                if (e.error() == ResticError.INTERRUPTED || cancellation.isCancelled()) {
                    throw e;
                }
                error = e.getMessage();
            }
        }
        String status;
        if (error != null || (failed == results.size() && !results.isEmpty())) {
            status = "failed";
        } else if (anyGuarded) {
            status = "guarded";
        } else if (failed > 0) {
            status = "partial";
        } else {
            status = "ok";
        }
        String note = pruned || dryRun ? trashNote() : null;
        record(start, status, dryRun, results, error);
        return new PruneReport(status, dryRun, force, results, pruned, summary, note, error);
    }

    /**
     * In a fleet, the other hosts of the repository and their sources (the tag of each regular
     * snapshot), sorted; empty for one host. A repository that cannot be listed leaves them out:
     * their own snapshots are then only not forgotten this time.
     */
    java.util.SortedMap<String, List<String>> otherHosts() {
        java.util.SortedMap<String, List<String>> out = new java.util.TreeMap<>();
        if (!config.inFleet()) {
            return out;
        }
        try {
            for (Snapshot sn : restic.snapshotsNoLock(null, List.of())) {
                if (!sn.isRegular() || sn.hostname() == null || sn.hostname().equals(config.host())) {
                    continue;
                }
                for (String tag : sn.tagsOrEmpty()) {
                    List<String> tags = out.computeIfAbsent(sn.hostname(), h -> new ArrayList<>());
                    if (!tags.contains(tag)) {
                        tags.add(tag);
                    }
                }
            }
        } catch (ResticException e) {
            if (e.error() == ResticError.INTERRUPTED || cancellation.isCancelled()) {
                throw e;
            }
            log.accept("fleet prune: cannot list the other hosts' snapshots: " + e.getMessage());
        }
        out.values().forEach(java.util.Collections::sort);
        return out;
    }

    private PruneReport.SourcePrune source(String host, String name, List<String> policy, boolean dryRun, boolean force) {
        // null: this host's own source (as without a fleet)
        String other = host.equals(config.host()) ? null : host;
        String label = other == null ? name : other + "/" + name;
        try {
            List<Snapshot> snaps = new ArrayList<>(restic.snapshots(host, List.of(name)).stream()
                    .filter(sn -> NOT_COUNTED.stream().noneMatch(sn::hasTag)).toList());
            snaps.sort(Comparator.comparing(Snapshot::time).reversed());
            Long newest = null;
            Long previous = null;
            if (snaps.size() >= 2) {
                newest = restic.restoreSize(snaps.get(0).id());
                previous = restic.restoreSize(snaps.get(1).id());
                if (ShrinkGuard.trips(newest, previous)) {
                    String reason = "newest snapshot " + snaps.get(0).shortIdOrPrefix() + " (" + newest
                            + " bytes) is less than half of the one before, " + snaps.get(1).shortIdOrPrefix() + " ("
                            + previous + " bytes): the source may be broken (an empty mount, a failed dump)";
                    if (!force) {
                        log.accept("prune guard: " + label + ": " + reason + "; nothing of " + label
                                + " is forgotten (run 'prune --force' once the source is checked)");
                        auditLog.record("prune-guard", "held", "source=" + name + (other == null ? "" : " host=" + other) + " newest=" + newest
                                + " previous=" + previous);
                        return new PruneReport.SourcePrune(name, snaps.size(), snaps.size(), 0, List.of(), true,
                                reason, newest, previous, null, other);
                    }
                    log.accept("prune guard overridden by --force: " + label + ": " + reason);
                }
            }
            JsonNode groups = JSON.readTree(restic.forgetPolicy(host, name, policy, dryRun));
            int kept = 0;
            List<String> removed = new ArrayList<>();
            for (JsonNode g : groups == null ? JSON.createArrayNode() : groups) {
                // groups of first-pass or pre-restore snapshots are kept by their own count; report only the source's
                kept += g.path("keep").size();
                for (JsonNode r : g.path("remove")) {
                    removed.add(r.path("short_id").asText(r.path("id").asText()));
                }
            }
            return new PruneReport.SourcePrune(name, snaps.size(), kept, removed.size(), removed, false, null,
                    newest, previous, null, other);
        } catch (ResticException e) {
            if (e.error() == ResticError.INTERRUPTED || cancellation.isCancelled()) {
                throw e;
            }
            return new PruneReport.SourcePrune(name, 0, 0, 0, List.of(), false, null, null, null, e.getMessage(), other);
        } catch (java.io.IOException e) {
            return new PruneReport.SourcePrune(name, 0, 0, 0, List.of(), false, null, null, null,
                    "cannot parse restic forget output: " + e.getMessage(), other);
        } catch (CfsException e) {
            if (e instanceof CancelledException) {
                throw e;
            }
            return new PruneReport.SourcePrune(name, 0, 0, 0, List.of(), false, null, null, null, e.getMessage(), other);
        }
    }

    /** The "total prune" and "remaining" lines of restic prune's text report. */
    static String summarize(String pruneOutput) {
        List<String> keep = new ArrayList<>();
        for (String line : pruneOutput.split("\n")) {
            String t = line.strip();
            if (t.startsWith("total prune:") || t.startsWith("remaining:") || t.startsWith("unused size after prune:")) {
                keep.add(t.replaceAll("\\s+", " "));
            }
        }
        return keep.isEmpty() ? null : String.join("; ", keep);
    }

    /**
     * On a Google Drive remote, files prune deletes sit in Drive's trash and still count against the
     * quota, unless the remote has {@code use_trash = false}.
     */
    String trashNote() {
        String remote = Rclone.repositoryRemote(config.repository().url());
        if (remote == null) {
            return null;
        }
        String type = null;
        String useTrash = null;
        try {
            Map<String, String> settings = rclone.remote(remote);
            if (settings != null) {
                type = settings.get("type");
                useTrash = settings.get("use_trash");
            }
        } catch (CfsException e) {
            // unknown type: say it conditionally below
        }
        if (type != null && !type.equals("drive")) {
            return null;
        }
        if ("false".equalsIgnoreCase(useTrash)) {
            return null;
        }
        String cond = type == null ? "If " + remote + " is a Google Drive remote, " : "";
        return cond + "the files prune deleted on " + remote + ": sit in Google Drive's trash and still count against"
                + " the quota until the trash is emptied: run 'rclone cleanup " + remote + ":' (with the same rclone"
                + " config), or set 'use_trash = false' on the remote so that deletions free space at once.";
    }

    private void record(Instant start, String status, boolean dryRun, List<PruneReport.SourcePrune> results,
                        String error) {
        if (dryRun) {
            auditLog.record("prune-dry-run", status, "sources=" + results.size());
            return;
        }
        for (PruneReport.SourcePrune r : results) {
            if (r.host() != null) {
                // another host's source (fleet): its own host's history is not this one's; the audit log says it
                auditLog.record("prune", r.guarded() ? "guarded" : r.error() != null ? "failed" : "ok", "host=" + r.host()
                        + " source=" + r.source() + " kept=" + r.kept() + " removed=" + r.removed());
                continue;
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kept", r.kept());
            f.put("removed", r.removed());
            if (r.newestSize() != null) {
                f.put("newest_size", r.newestSize());
                f.put("previous_size", r.previousSize());
            }
            // the history knows ok|failed|partial|interrupted: a held source did not get its retention
            String st = r.error() != null || r.guarded() ? "failed" : "ok";
            history.append(new RunRecord("prune", r.source(), start, Instant.now(), st, null, f,
                    r.error() != null ? r.error() : r.guardReason()));
            auditLog.record("prune", r.guarded() ? "guarded" : st, "source=" + r.source() + " kept=" + r.kept()
                    + " removed=" + r.removed());
        }
        // the job-level line, as backup writes one: status shows it as the prune job's last run
        String jobStatus = switch (status) {
            case "ok", "partial", "interrupted" -> status;
            default -> "failed";
        };
        history.append(new RunRecord("prune", null, start, Instant.now(), jobStatus, null,
                Map.of("sources", results.size(), "removed", results.stream().mapToInt(PruneReport.SourcePrune::removed).sum()),
                error != null ? error : "guarded".equals(status) ? "held by the shrink guard" : null));
        auditLog.record("prune", status, "sources=" + results.size() + (error == null ? "" : " error=\"" + error + "\""));
    }
}
