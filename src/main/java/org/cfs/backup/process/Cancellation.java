package org.cfs.backup.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The cancel signal of one cfs-backup process (SIGINT/SIGTERM, or the daemon's stop). Running
 * children are registered here so that cancelling sends them SIGINT, never SIGTERM first.
 */
public final class Cancellation {
    private volatile boolean cancelled;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public boolean isCancelled() {
        return cancelled;
    }

    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Process p : running) {
            Signals.interrupt(p);
        }
        listeners.forEach(Runnable::run);
    }

    public void onCancel(Runnable listener) {
        listeners.add(listener);
    }

    void register(Process p) {
        running.add(p);
        if (cancelled) {
            Signals.interrupt(p);
        }
    }

    void unregister(Process p) {
        running.remove(p);
    }

    /** Throws {@link CancelledException} when cancelled: call between steps of an operation. */
    public void check() {
        if (cancelled) {
            throw new CancelledException();
        }
    }
}
