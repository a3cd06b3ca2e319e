package org.cfs.backup.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;

/**
 * The crash-safe record of the throw-away things a boot drill makes (issue 16): scratch
 * containers, scratch volumes, scratch folders (a MariaDB datadir) and processes (a throw-away
 * {@code mariadbd}). Each is written here (temp file, fsync, rename, under a file lock) before it
 * is made and dropped once it is removed; any later cfs-backup command removes what a dead owner
 * (kill -9, power loss) left behind. Only things this journal names are ever removed: scratch
 * names all start with {@code cfs-bootdrill-}, and a journal entry for anything else is refused.
 */
public final class ScratchJournal {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    /** Every scratch container, volume and folder name starts with this. */
    public static final String PREFIX = "cfs-bootdrill-";

    /** What a scratch thing is, for its removal. */
    public enum Kind { CONTAINER, VOLUME, PATH, PROCESS }

    /**
     * One scratch thing and its owner (pid plus its start time, against pid reuse). For a
     * {@code PROCESS}, {@code ref} is its pid and {@code detail} a string its command line must
     * hold (the scratch datadir), so that a reused pid is never killed.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(long pid, Instant pidStart, String command, Kind kind, String ref, String detail,
                        Instant since) {
    }

    private final Path file;
    private final LockedJsonFile<Entry> store;

    public ScratchJournal(Path stateDir) {
        this.file = stateDir.resolve("scratch-journal.json");
        this.store = new LockedJsonFile<>(file, stateDir.resolve("scratch-journal.lock"),
                LockedJsonFile.Codec.array(JSON, Entry[].class),
                LockedJsonFile.OnCorrupt.FAIL, true);
    }

    public Path file() {
        return file;
    }

    /** Records, before making it, that this process is about to make the scratch thing. */
    public void record(Kind kind, String ref, String detail, String command) {
        if (kind != Kind.PROCESS && !isScratchName(kind, ref)) {
            throw new IllegalArgumentException("not a scratch name: " + ref);
        }
        long pid = ProcessHandle.current().pid();
        Instant start = ProcessHandle.current().info().startInstant().orElse(null);
        Entry e = new Entry(pid, start, command, kind, ref, detail, Instant.now());
        update(entries -> entries.add(e));
    }

    /** Drops this process's entry for a thing it has removed. */
    public void clear(Kind kind, String ref) {
        long pid = ProcessHandle.current().pid();
        update(entries -> entries.removeIf(e -> e.pid() == pid && e.kind() == kind && e.ref().equals(ref)));
    }

    public List<Entry> entries() {
        return entriesNow();
    }

    static boolean isScratchName(Kind kind, String ref) {
        if (ref == null) {
            return false;
        }
        if (kind == Kind.PATH) {
            Path p = Path.of(ref);
            return p.isAbsolute() && p.getFileName() != null && p.getFileName().toString().startsWith(PREFIX)
                    && p.normalize().equals(p);
        }
        return ref.startsWith(PREFIX);
    }

    /**
     * Removes what dead owners left behind (processes first, then containers, volumes, folders)
     * and drops their entries; entries of a live owner are left to it.
     *
     * @return the entries that were removed
     */
    public List<Entry> reconcile(Docker docker, Consumer<String> log) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> handled = new ArrayList<>();
        update(entries -> {
            List<Entry> remaining = new ArrayList<>();
            List<Entry> dead = new ArrayList<>();
            for (Entry e : entries) {
                (ownerAlive(e) ? remaining : dead).add(e);
            }
            dead.sort(java.util.Comparator.comparing(Entry::kind, (a, b) -> order(a) - order(b)));
            for (Entry e : dead) {
                try {
                    remove(e, docker);
                    handled.add(e);
                    log.accept("removed scratch " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + e.ref()
                            + " left by dead cfs-backup pid " + e.pid() + " (" + e.command() + ")");
                } catch (CfsException | IOException ex) {
                    remaining.add(e);
                    log.accept("could not remove scratch " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + e.ref() + ": " + ex.getMessage());
                }
            }
            entries.clear();
            entries.addAll(remaining);
        });
        return handled;
    }

    private static int order(Kind k) {
        return switch (k) {
            case PROCESS -> 0;
            case CONTAINER -> 1;
            case VOLUME -> 2;
            case PATH -> 3;
        };
    }

    /** Removes one scratch thing; a thing already gone is fine. */
    public static void remove(Entry e, Docker docker) throws IOException {
        switch (e.kind()) {
            case PROCESS -> killProcess(Long.parseLong(e.ref()), e.detail());
            case CONTAINER -> {
                if (!isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                docker.removeContainerIfExists(e.ref());
            }
            case VOLUME -> {
                if (!isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                docker.removeVolumeIfExists(e.ref());
            }
            case PATH -> {
                if (!isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                // a process still working in the folder (mariadb-install-db's bootstrap server) goes first
                killProcessesUsing(e.ref());
                deleteTree(Path.of(e.ref()));
            }
        }
    }

    /** Kills the process when it is still the one meant (its command line holds {@code marker}); waits for its end. */
    static void killProcess(long pid, String marker) throws IOException {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        String cmdline;
        try {
            cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException ex) {
            return; // gone meanwhile
        }
        if (marker == null || !cmdline.contains(marker)) {
            return; // the pid was reused by another program: not ours to kill
        }
        h.get().destroyForcibly();
        try {
            h.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException ex) {
            throw new IOException("process " + pid + " did not end after SIGKILL");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for process " + pid);
        } catch (java.util.concurrent.ExecutionException ex) {
            // ended
        }
    }

    /** Kills every process whose command line names the scratch folder (only called for scratch names). */
    static void killProcessesUsing(String folder) throws IOException {
        long self = ProcessHandle.current().pid();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                String cmdline;
                try {
                    cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                } catch (IOException | RuntimeException ex) {
                    continue;
                }
                if (cmdline.contains(folder + "/") || cmdline.contains(folder + " ") || cmdline.endsWith(folder)) {
                    killProcess(pid, folder);
                }
            }
        } catch (java.nio.file.NoSuchFileException ex) {
            // no /proc: nothing to find
        }
    }

    /** Deletes a tree ({@link Trees#delete}). */
    public static void deleteTree(Path root) throws IOException {
        Trees.delete(root);
    }


    static boolean ownerAlive(Entry e) {
        return Owner.alive(e.pid(), e.pidStart());
    }

    private void update(java.util.function.Consumer<List<Entry>> change) {
        store.changeOrFail("scratch journal", change);
    }

    private List<Entry> entriesNow() {
        return store.readOrFail("scratch journal");
    }
}
