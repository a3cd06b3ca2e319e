package org.cfs.backup.restic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cfs.backup.process.ProcessResult;

/**
 * The files of a local or {@code rclone:} repository, read without restic: a listing costs one
 * {@code rclone lsf} (or a directory read) instead of a restic start with its key derivation and
 * its {@code rclone serve}. Only names are read, never contents (they are encrypted anyway).
 */
public final class RepositoryFiles {
    private final Restic restic;

    public RepositoryFiles(Restic restic) {
        this.restic = restic;
    }

    /** The repository's lock and snapshot files, by name (the full ids). */
    public record Census(List<String> lockIds, List<String> snapshotIds) {
        public Census {
            lockIds = List.copyOf(lockIds);
            snapshotIds = List.copyOf(snapshotIds);
        }

        public int locks() {
            return lockIds.size();
        }

        public int snapshots() {
            return snapshotIds.size();
        }
    }

    /** The directory of a local repository ({@code /path} or {@code local:/path}), else null. */
    public static Path localPath(String repo) {
        if (repo.startsWith("local:")) {
            return Path.of(repo.substring("local:".length()));
        }
        return repo.startsWith("/") ? Path.of(repo) : null;
    }

    /** True for a repository whose files can be listed without restic (a local path or {@code rclone:}). */
    public static boolean listable(String repo) {
        return localPath(repo) != null || repo.startsWith("rclone:");
    }

    /** {@code rclone:REMOTE:PATH} plus a path inside it as rclone names it ({@code REMOTE:PATH/sub}), else null. */
    public static String rcloneTarget(String repo, String sub) {
        if (!repo.startsWith("rclone:")) {
            return null;
        }
        String target = repo.substring("rclone:".length());
        if (sub.isEmpty()) {
            return target;
        }
        return (target.endsWith("/") || target.endsWith(":") ? target : target + "/") + sub;
    }

    /**
     * The {@code rclone lsf} of the lock and snapshot files of an rclone repository: one listing
     * of two folders (rclone's filters keep it out of {@code data/}), with the backend flags restic's
     * {@code rclone serve} gets, so that a flag such as {@code --drive-root-folder-id} means the same.
     */
    public static List<String> censusArgs(String target, List<String> extraRcloneArgs) {
        List<String> cmd = new ArrayList<>(List.of("rclone", "lsf", "-R", "--files-only", "--include", "/locks/*",
                "--include", "/snapshots/*", target, "--ask-password=false"));
        cmd.addAll(extraRcloneArgs);
        return cmd;
    }

    /** The names in a census listing ({@code locks/ID}, {@code snapshots/ID}). */
    static Census parseCensus(String lsf) {
        List<String> locks = new ArrayList<>();
        List<String> snapshots = new ArrayList<>();
        for (String line : lsf.split("\n")) {
            String l = line.strip();
            if (l.startsWith("locks/") && l.length() > "locks/".length()) {
                locks.add(l.substring("locks/".length()));
            } else if (l.startsWith("snapshots/") && l.length() > "snapshots/".length()) {
                snapshots.add(l.substring("snapshots/".length()));
            }
        }
        return new Census(locks, snapshots);
    }

    /**
     * The repository's lock and snapshot files; null when they cannot be read this way (another
     * backend, a listing that failed): then the caller asks restic.
     */
    public Census census() {
        String repo = restic.settings().repository();
        Path local = localPath(repo);
        if (local != null) {
            try {
                return new Census(names(local.resolve("locks")), names(local.resolve("snapshots")));
            } catch (IOException e) {
                return null;
            }
        }
        String target = rcloneTarget(repo, "");
        if (target == null) {
            return null;
        }
        ProcessResult r = restic.runBeside(censusArgs(target, restic.settings().extraRcloneArgs()));
        return r.ok() ? parseCensus(r.stdout()) : null;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        } catch (NoSuchFileException e) {
            throw e; // not a repository (yet): restic says what is wrong
        }
    }
}
