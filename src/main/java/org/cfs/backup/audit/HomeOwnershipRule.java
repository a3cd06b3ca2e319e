package org.cfs.backup.audit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;

/**
 * The IDE home (a source path ending in {@code kasm-profile-persistent}) must be owned by UID
 * 1000 (kasm-user) throughout: files owned by anyone else break the IDE after a restore, which
 * keeps owners. One warning per home, with the count and a few examples.
 */
public final class HomeOwnershipRule {
    public static final String HOME_SUFFIX = "kasm-profile-persistent";
    public static final int AGENT_UID = 1000;
    static final int EXAMPLES = 5;

    /** The IDE homes among the configured sources. */
    public static List<Path> homes(Config config) {
        Set<Path> out = new LinkedHashSet<>();
        for (SourceConfig s : config.sources()) {
            for (String p : s.allPaths()) {
                String n = ContainerRules.normalize(p);
                if (n.endsWith(HOME_SUFFIX)) {
                    out.add(Path.of(n));
                }
            }
        }
        return new ArrayList<>(out);
    }

    public List<Finding> check(List<Path> homes) {
        List<Finding> out = new ArrayList<>();
        for (Path home : homes) {
            if (!Files.isDirectory(home)) {
                // an absent home is the backup's concern (it fails loudly), not an isolation finding
                continue;
            }
            Finding f = check(home);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    static Finding check(Path home) {
        List<String> examples = new ArrayList<>();
        long[] counts = new long[2];
        try {
            Files.walkFileTree(home, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    look(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    look(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                private void look(Path p) {
                    counts[0]++;
                    int uid;
                    try {
                        uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        return;
                    }
                    if (uid != AGENT_UID) {
                        counts[1]++;
                        if (examples.size() < EXAMPLES) {
                            String rel = home.relativize(p).toString();
                            examples.add((rel.isEmpty() ? "." : rel) + " (uid " + uid + ")");
                        }
                    }
                }
            });
        } catch (IOException e) {
            return Finding.of(Finding.INCOMPLETE, Severity.WARNING, home.toString(),
                    "IDE home could not be read: " + e.getMessage());
        }
        if (counts[1] == 0) {
            return null;
        }
        return Finding.of("home-ownership", Severity.WARNING, home.toString(),
                counts[1] + " of " + counts[0] + " entries are not owned by UID " + AGENT_UID + ", e.g. "
                        + String.join(", ", examples) + "; a restore keeps these owners and the IDE cannot write them"
                        + " (fix: chown -R " + AGENT_UID + ":" + AGENT_UID + " " + home + ")");
    }
}
