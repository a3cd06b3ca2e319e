package org.cfs.backup.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Snapshots that must go (a failed dump's) but that restic could neither forget nor tag when the
 * run ended (the repository was locked by a live process): one id a line in
 * {@code state-dir/failed-snapshots.txt}; the next backup forgets them first.
 */
public final class FailedSnapshots {
    private final Path file;

    public FailedSnapshots(Path stateDir) {
        this.file = stateDir.resolve("failed-snapshots.txt");
    }

    public synchronized List<String> ids() {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).distinct().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public synchronized void add(String id) {
        Set<String> all = new LinkedHashSet<>(ids());
        all.add(id);
        write(new ArrayList<>(all));
    }

    public synchronized void remove(List<String> gone) {
        List<String> left = new ArrayList<>(ids());
        left.removeAll(gone);
        write(left);
    }

    private void write(List<String> ids) {
        try {
            if (ids.isEmpty()) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.getParent());
                AtomicFiles.write(file, String.join("\n", ids) + "\n");
            }
        } catch (IOException e) {
            throw new org.cfs.backup.CfsException(org.cfs.backup.ExitCode.FAILED, "cannot write " + file + ": "
                    + e.getMessage());
        }
    }
}
