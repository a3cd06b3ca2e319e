package org.cfs.backup.state;

import java.time.Instant;
import java.util.Optional;

/** Whether the process that wrote a journal entry or a marker still runs (pid plus its start time). */
public final class Owner {
    private Owner() {
    }

    /**
     * @param startMillis the owner's start time when it wrote the entry (null: unknown, the pid alone decides)
     * @return true while that very process runs; a pid reused by another process (another start time) is dead
     */
    public static boolean alive(long pid, Long startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        if (startMillis == null) {
            return true;
        }
        Optional<Instant> start = h.get().info().startInstant();
        return start.isEmpty() || Math.abs(start.get().toEpochMilli() - startMillis) < 2000;
    }

    public static boolean alive(long pid, Instant start) {
        return alive(pid, start == null ? null : start.toEpochMilli());
    }
}
