package org.cfs.backup.quota;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.state.RunRecord;

/**
 * Says before a backup starts when it may not fit today's share of Drive's 750 GB/day upload cap or
 * the remote's free space: better said at 03:00 than found out at 09:00. It never reads a file's
 * contents (a backup must cost what restic costs) and does no work at all when the room is ample:
 * first the cheapest bound of each source (its size at the last run, else the used space of the
 * filesystem that holds it), and only when those do not fit the room, the estimate itself: the last
 * run's {@code data_added}, or for a first backup of a path source the sizes of its files (a
 * stat-only walk; an upper bound, since restic deduplicates). Volumes and dumps without history stay
 * unknown.
 */
public final class UploadEstimator {
    /** Google Drive's upload cap per user per day (decimal gigabytes, as Google states it). */
    public static final long DRIVE_DAILY_CAP = 750L * 1000 * 1000 * 1000;

    private final Clock clock;

    public UploadEstimator(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param history the run history, oldest first
     * @param drive true when the repository is on a Drive remote (the daily cap applies)
     * @param free the remote's free space, or null when unknown
     */
    public UploadEstimate estimate(List<SourceConfig> sources, List<RunRecord> history, boolean drive, Long free) {
        Map<String, Long> lastAdded = new LinkedHashMap<>();
        Map<String, Long> lastSize = new LinkedHashMap<>();
        long uploaded24h = 0;
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        for (RunRecord r : history) {
            if (!"backup".equals(r.job()) || r.source() == null) {
                continue;
            }
            Long added = figure(r, "data_added");
            boolean good = "ok".equals(r.status()) || "partial".equals(r.status());
            if (good && added != null) {
                lastAdded.put(r.source(), added);
            }
            Long size = figure(r, "bytes_processed");
            if (good && size != null && size > 0) {
                lastSize.put(r.source(), size);
            }
            if (added != null && r.end() != null && r.end().isAfter(dayAgo)) {
                uploaded24h += added;
            }
        }
        Long capRemaining = drive ? Math.max(0, DRIVE_DAILY_CAP - uploaded24h) : null;
        Long room = free;
        if (capRemaining != null) {
            room = free == null ? capRemaining : Long.valueOf(Math.min(free, capRemaining));
        }
        long known = sources.stream().mapToLong(s -> lastAdded.getOrDefault(s.name(), 0L)).sum();
        if (room == null || fitsForSure(sources, lastSize, room)) {
            // ample room (or nothing to compare with): no estimate is worth a single read
            return new UploadEstimate(known, List.of(), List.of(), uploaded24h, capRemaining, free, List.of(), false);
        }
        long total = 0;
        List<String> walked = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (SourceConfig s : sources) {
            Long added = lastAdded.get(s.name());
            if (added == null && s.kind() == SourceConfig.Kind.PATHS) {
                added = fileSizes(s.allPaths());
                if (added != null) {
                    walked.add(s.name());
                }
            }
            if (added == null) {
                unknown.add(s.name());
            } else {
                total += added;
            }
        }
        List<String> warnings = new ArrayList<>();
        if (capRemaining != null && total > capRemaining) {
            warnings.add("this backup may upload about " + Size.human(total) + " but only " + Size.human(capRemaining)
                    + " of Drive's 750 GB/day upload cap are left (" + Size.human(uploaded24h)
                    + " uploaded in the last 24 h): the upload will stop at the cap and finish on a later night");
        }
        if (free != null && total > free) {
            warnings.add("this backup may upload about " + Size.human(total) + " but the remote has only "
                    + Size.human(free) + " free: prune old snapshots or free space first");
        }
        return new UploadEstimate(total, walked, unknown, uploaded24h, capRemaining, free, warnings, true);
    }

    /**
     * True when even the largest the sources can be fits the room: each source's size at its last
     * run, or, for a path source without one, the used space of the filesystems that hold it (one
     * statfs each). A volume or dump without history has no cheap bound.
     */
    private static boolean fitsForSure(List<SourceConfig> sources, Map<String, Long> lastSize, long room) {
        long bound = 0;
        for (SourceConfig s : sources) {
            Long b = lastSize.get(s.name());
            if (b == null && s.kind() == SourceConfig.Kind.PATHS) {
                b = filesystemsUsed(s.allPaths());
            }
            if (b == null) {
                return false;
            }
            bound += b;
            if (bound > room) {
                return false;
            }
        }
        return true;
    }

    private static Long filesystemsUsed(List<String> paths) {
        long used = 0;
        List<FileStore> seen = new ArrayList<>();
        try {
            for (String p : paths) {
                FileStore fs = Files.getFileStore(Path.of(p));
                if (!seen.contains(fs)) {
                    seen.add(fs);
                    used += fs.getTotalSpace() - fs.getUnallocatedSpace();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return used;
    }

    /** The sizes of the regular files below the paths (stat only; symlinks not followed), or null when one is missing. */
    static Long fileSizes(List<String> paths) {
        SizeSum sum = new SizeSum();
        try {
            for (String p : paths) {
                Path root = Path.of(p);
                if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                    return null;
                }
                Files.walkFileTree(root, sum);
            }
        } catch (IOException e) {
            return null;
        }
        return sum.total;
    }

    /** Adds up the sizes of the regular files it visits. */
    private static final class SizeSum extends SimpleFileVisitor<Path> {
        long total;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
                total += attrs.size();
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE; // unreadable: restic will say so itself
        }
    }

    private static Long figure(RunRecord r, String key) {
        if (r.figures() == null) {
            return null;
        }
        Object v = r.figures().get(key);
        return v instanceof Number n ? n.longValue() : null;
    }
}
