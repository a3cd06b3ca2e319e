package org.cfs.backup.restore;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.Cancellation;

/**
 * {@code restore --all}: every source in place, in a safe order — folders first (scripts and
 * files the apps need), then Docker volumes (a database server's data among them), then dumps,
 * loaded last with their {@code restore-command} into servers that now have their files back.
 * Missing volumes are created and missing folders made (owners and modes from the snapshot);
 * containers that exist are stopped and started as for any in-place restore. One source failing
 * never stops the others; what a failed source had made (a volume it created) is removed.
 */
public final class RestoreAllOperation {
    /** One source's outcome ({@code restore --all --json}'s {@code sources}). */
    public record SourceOutcome(String source, String kind, String status, String snapshotId, String target,
                                String detail, String error, double durationS, RestoreReport report) {
        /** The source restored (or, in a dry run, checked) by {@link RestoreOperation}. */
        public static SourceOutcome restored(String source, String kind, RestoreReport report, String detail,
                                             double durationS) {
            return new SourceOutcome(source, kind, "ok", report.snapshotId(), report.target(), detail, null, durationS,
                    report);
        }

        /** A dry run that stops before the restore: what it would do to {@code target}. */
        public static SourceOutcome planned(String source, String kind, String target, String detail, double durationS) {
            return new SourceOutcome(source, kind, "ok", null, target, detail, null, durationS, null);
        }

        public static SourceOutcome failed(String source, String kind, String error, double durationS) {
            return new SourceOutcome(source, kind, "failed", null, null, null, error, durationS, null);
        }
    }

    /** {@code restore --all --json}. */
    public record Report(String status, boolean dryRun, String host, List<SourceOutcome> sources, double durationS) {
        public int exitCode() {
            return "ok".equals(status) ? ExitCode.OK : ExitCode.PARTIAL;
        }
    }

    private final Config config;
    private final Docker docker;
    private final RestoreOperation op;
    private final Cancellation cancellation;
    private final Consumer<String> log;

    public RestoreAllOperation(Config config, Docker docker, RestoreOperation op, Cancellation cancellation,
                               Consumer<String> log) {
        this.config = config;
        this.docker = docker;
        this.op = op;
        this.cancellation = cancellation;
        this.log = log;
    }

    /** Folders, then volumes, then dumps; config order within each. */
    public static List<SourceConfig> order(List<SourceConfig> sources) {
        List<SourceConfig> out = new ArrayList<>(sources);
        out.sort(Comparator.comparingInt(s -> switch (s.kind()) {
            case PATHS -> 0;
            case VOLUME -> 1;
            case COMMAND -> 2;
        }));
        return out;
    }

    /**
     * @param perSource called with each outcome as soon as it is known (one line per source)
     */
    public Report run(List<SourceConfig> sources, boolean dryRun, String host, Consumer<SourceOutcome> perSource) {
        long t0 = System.nanoTime();
        List<SourceOutcome> outcomes = new ArrayList<>();
        for (SourceConfig s : order(sources)) {
            cancellation.check();
            SourceOutcome o = one(s, dryRun, host);
            outcomes.add(o);
            perSource.accept(o);
        }
        long failed = outcomes.stream().filter(o -> o.status().equals("failed")).count();
        String status = failed == 0 ? "ok" : failed == outcomes.size() ? "failed" : "partial";
        return new Report(status, dryRun, host != null ? host : config.host(), List.copyOf(outcomes),
                RestoreContext.seconds(t0));
    }

    private SourceOutcome one(SourceConfig s, boolean dryRun, String host) {
        long t0 = System.nanoTime();
        String kind = s.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (s.kind() == SourceConfig.Kind.COMMAND && s.restoreCommand() == null) {
            return SourceOutcome.failed(s.name(), kind, "no restore-command: set one (e.g. "
                    + "[docker, exec, -i, mariadb, mariadb]) or load the dump with 'restore " + s.name() + " --pipe-to'",
                    RestoreContext.seconds(t0));
        }
        boolean createdVolume = false;
        List<String> made = new ArrayList<>();
        try {
            if (s.kind() == SourceConfig.Kind.VOLUME && !volumeExists(s.volume())) {
                if (dryRun) {
                    return SourceOutcome.planned(s.name(), kind, s.volume(), "volume " + s.volume()
                            + " is missing: it would be created and the latest snapshot restored into it",
                            RestoreContext.seconds(t0));
                }
                docker.run("creating volume " + s.volume(), "volume", "create", s.volume());
                createdVolume = true;
                made.add("volume " + s.volume());
                log.accept(s.name() + ": created Docker volume " + s.volume());
            }
            if (s.kind() == SourceConfig.Kind.PATHS) {
                for (String p : s.allPaths()) {
                    if (!Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)) {
                        made.add(p);
                    }
                }
            }
            RestoreReport r = op.run(new RestoreRequest(s.name(), null, null, List.of(), dryRun, null, host));
            String detail;
            if (dryRun && r.added() != null) {
                detail = String.format(java.util.Locale.ROOT, "would add %d, change %d, remove %d", r.addedCount(),
                        r.changedCount(), r.removedCount()) + (made.isEmpty() ? "" : "; would make " + String.join(", ", made));
            } else if (dryRun) {
                detail = "would load the dump with its restore-command";
            } else {
                detail = s.kind() == SourceConfig.Kind.COMMAND ? "dump loaded (" + org.cfs.backup.config.Size.human(r.bytesRestored())
                        + ")" : r.filesRestored() + " files, " + org.cfs.backup.config.Size.human(r.bytesRestored())
                        + (made.isEmpty() ? "" : "; made " + String.join(", ", made))
                        + (r.containersStopped().isEmpty() ? "" : "; restarted " + String.join(", ", r.containersStopped()));
            }
            return SourceOutcome.restored(s.name(), kind, r, detail, RestoreContext.seconds(t0));
        } catch (CancelledException e) {
            removeCreated(s, createdVolume);
            throw e;
        } catch (CfsException e) {
            removeCreated(s, createdVolume);
            return SourceOutcome.failed(s.name(), kind, e.getMessage(), RestoreContext.seconds(t0));
        }
    }

    private boolean volumeExists(String name) {
        try {
            docker.volume(name);
            return true;
        } catch (CfsException e) {
            if (e.getMessage().contains("does not exist")) {
                return false;
            }
            throw e;
        }
    }

    private void removeCreated(SourceConfig s, boolean createdVolume) {
        if (createdVolume) {
            try {
                docker.run("removing volume " + s.volume(), "volume", "rm", s.volume());
                log.accept(s.name() + ": removed the volume " + s.volume() + " this restore had created");
            } catch (CfsException e) {
                log.accept(s.name() + ": could not remove the volume " + s.volume() + " it created: " + e.getMessage());
            }
        }
    }
}
