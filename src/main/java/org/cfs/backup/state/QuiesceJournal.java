package org.cfs.backup.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The crash-safe record of containers this host stopped or paused and has not resumed yet.
 * Written (fsync'd) before a container is touched. Only the file: resuming what a dead owner left
 * is {@code quiesce.QuiesceReconcile}'s (it knows Docker; this package does not).
 */
public final class QuiesceJournal {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** What the journal needs of a container: its id and its name. */
    public interface Target {
        String id();

        String name();
    }

    /**
     * What was done to one container, and by which process (pid plus its start time, against pid
     * reuse); {@code stopTimeoutS} is the {@code docker stop -t} used (null in entries of older versions).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(long pid, Instant pidStart, String command, String container, String name, String action,
                        String volume, Instant since, Integer stopTimeoutS) {
        public Entry(long pid, Instant pidStart, String command, String container, String name, String action,
                     String volume, Instant since) {
            this(pid, pidStart, command, container, name, action, volume, since, null);
        }
    }

    private final Path file;
    private final LockedJsonFile<Entry> store;

    public QuiesceJournal(Path stateDir) {
        this.file = stateDir.resolve("quiesce-journal.json");
        this.store = new LockedJsonFile<>(file, stateDir.resolve("quiesce-journal.lock"),
                LockedJsonFile.Codec.array(JSON, Entry[].class),
                LockedJsonFile.OnCorrupt.FAIL, true);
    }

    public Path file() {
        return file;
    }

    /** Records, before acting, that this process is about to stop or pause these containers. */
    public void record(List<? extends Target> containers, String action, String volume, String command) {
        record(containers, action, volume, command, null);
    }

    /** As {@link #record(List, String, String, String)}, with the stop time-out the stop will use. */
    public void record(List<? extends Target> containers, String action, String volume, String command,
                       Integer stopTimeoutS) {
        long pid = ProcessHandle.current().pid();
        Instant start = ProcessHandle.current().info().startInstant().orElse(null);
        Instant now = Instant.now();
        change(entries -> {
            for (Target c : containers) {
                entries.add(new Entry(pid, start, command, c.id(), c.name(), action, volume, now, stopTimeoutS));
            }
        });
    }

    /** Removes this process's entries for containers it has resumed. */
    public void clear(List<String> containerIds) {
        long pid = ProcessHandle.current().pid();
        change(entries -> entries.removeIf(e -> e.pid() == pid && containerIds.contains(e.container())));
    }

    public List<Entry> entries() {
        return store.readOrFail("quiesce journal");
    }

    /** True when the journal file exists (there may be something to reconcile). */
    public boolean exists() {
        return Files.exists(file);
    }

    /** One locked read-modify-write of the entries (the reconcile's). */
    public void change(Consumer<List<Entry>> change) {
        store.changeOrFail("quiesce journal", change);
    }

    /** True while the entry's owner runs (same pid, same start time). */
    public static boolean ownerAlive(Entry e) {
        return Owner.alive(e.pid(), e.pidStart());
    }
}
