package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;

/**
 * Refuses restore targets that would overwrite the system or cfs-backup itself, before anything
 * is written: {@code /}, system folders, the Docker data root, the state, log and cache dirs and
 * the repository. Symlinks are resolved first, so {@code /tmp/x -> /etc} is refused too.
 */
public final class TargetGuard {
    /** Folders that may hold nothing restored, at any depth. */
    static final List<String> SYSTEM_TREES = List.of("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/boot", "/dev", "/proc", "/sys", "/run", "/var/lib/docker", "/var/lib/containerd",
            "/var/lib/mysql", "/var/lib/dpkg", "/var/lib/apt", "/var/lib/systemd");
    /** Folders that may not be a target themselves (their subfolders may). */
    static final List<String> EXACT = List.of("/", "/var", "/var/lib", "/var/log", "/home", "/root", "/opt", "/srv",
            "/mnt", "/media", "/tmp", "/var/tmp");

    private final List<Path> protectedTrees = new ArrayList<>();

    public TargetGuard(Config config) {
        SYSTEM_TREES.forEach(p -> protectedTrees.add(Path.of(p)));
        add(config.stateDir());
        add(config.logDir());
        add(config.cacheDir());
        String repoPath = localRepositoryPath(config.repository().url());
        if (repoPath != null) {
            add(Path.of(repoPath));
        }
    }

    private void add(Path p) {
        if (p != null) {
            protectedTrees.add(real(p.toAbsolutePath().normalize()));
        }
    }

    /**
     * The local path a repository URL stores its files under, if it may be local: a plain path,
     * {@code local:PATH}, or {@code rclone:REMOTE:/abs} (a {@code local} rclone remote keeps the
     * path as is; refusing it for a remote one too costs nothing).
     */
    static String localRepositoryPath(String url) {
        if (url == null) {
            return null;
        }
        if (url.startsWith("/")) {
            return url;
        }
        if (url.startsWith("local:")) {
            return url.substring("local:".length());
        }
        if (url.startsWith("rclone:")) {
            int colon = url.indexOf(':', "rclone:".length());
            if (colon > 0 && url.startsWith("/", colon + 1)) {
                return url.substring(colon + 1);
            }
        }
        return null;
    }

    /** @throws CfsException exit 2 with the reason when the target is refused */
    public Path check(Path target) {
        Path abs = real(target.toAbsolutePath().normalize());
        for (String e : EXACT) {
            if (abs.equals(Path.of(e))) {
                throw CfsException.usage("refusing to restore into " + abs + ": a system folder");
            }
        }
        for (Path p : protectedTrees) {
            if (abs.startsWith(p)) {
                throw CfsException.usage("refusing to restore into " + abs + ": it is inside " + p
                        + (SYSTEM_TREES.contains(p.toString()) ? " (a system folder)" : " (cfs-backup's own data or repository)"));
            }
            if (p.startsWith(abs)) {
                throw CfsException.usage("refusing to restore into " + abs + ": it contains " + p);
            }
        }
        return abs;
    }

    /** Checks that the target is absent or an empty folder. */
    public static void requireAbsentOrEmpty(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw CfsException.usage("target " + target + " exists and is not a folder");
        }
        try (Stream<Path> s = Files.list(target)) {
            if (s.findAny().isPresent()) {
                throw CfsException.usage("target " + target + " is not empty: restore into an absent or empty folder");
            }
        } catch (IOException e) {
            throw CfsException.usage("cannot read target " + target + ": " + e.getMessage());
        }
    }

    /** The path with its deepest existing ancestor's symlinks resolved. */
    static Path real(Path abs) {
        Path existing = abs;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest.toString());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path r = existing.toRealPath();
            return rest.toString().isEmpty() ? r : r.resolve(rest);
        } catch (IOException e) {
            return abs;
        }
    }
}
