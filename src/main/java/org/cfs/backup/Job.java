package org.cfs.backup;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Every job cfs-backup runs by hand or on the schedule: the one list of their names. */
public enum Job {
    BACKUP(true),
    PRUNE(true),
    CHECK(true),
    DRILL(true),
    QUOTA(false),
    AUDIT(false);

    private final boolean repository;

    Job(boolean repository) {
        this.repository = repository;
    }

    /** The command word and schedule key, e.g. {@code backup}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * True for the repository-wide jobs that a fleet runs once for all its hosts, on one node
     * (prune, check, quota); the others run on every host for its own sources.
     */
    public boolean fleetWide() {
        return this == PRUNE || this == CHECK || this == QUOTA;
    }

    /** True when the job takes restic's lock on the repository (stale locks are cleared after its interruption). */
    public boolean takesRepositoryLock() {
        return repository;
    }

    /** The job of a command word or schedule key, or null. */
    public static Job of(String word) {
        return Arrays.stream(values()).filter(j -> j.word().equals(word)).findFirst().orElse(null);
    }

    /** Every job's word, in the order of {@code schedule:}. */
    public static List<String> words() {
        return Arrays.stream(values()).map(Job::word).toList();
    }
}
