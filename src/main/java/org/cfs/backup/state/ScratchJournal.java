package org.cfs.backup.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The crash-safe record of the throw-away things a boot drill makes (issue 16): scratch
 * containers, scratch volumes, scratch folders (a MariaDB datadir) and processes (a throw-away
 * {@code mariadbd}). Each is written here (temp file, fsync, rename, under a file lock) before it
 * is made and dropped once it is removed; any later cfs-backup command removes what a dead owner
 * (kill -9, power loss) left behind ({@code bootdrill.ScratchReconcile}: this package knows no Docker). Only things this journal names are ever removed: scratch
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

    public static boolean isScratchName(Kind kind, String ref) {
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

    /** True when the journal file exists (there may be something to reconcile). */
    public boolean exists() {
        return Files.exists(file);
    }

    /** One locked read-modify-write of the entries (the reconcile's, {@code bootdrill.ScratchReconcile}). */
    public void change(java.util.function.Consumer<List<Entry>> change) {
        update(change);
    }

    /** Deletes a tree ({@link Trees#delete}). */
    public static void deleteTree(Path root) throws IOException {
        Trees.delete(root);
    }


    public static boolean ownerAlive(Entry e) {
        return Owner.alive(e.pid(), e.pidStart());
    }

    private void update(java.util.function.Consumer<List<Entry>> change) {
        store.changeOrFail("scratch journal", change);
    }

    private List<Entry> entriesNow() {
        return store.readOrFail("scratch journal");
    }
}
