package org.cfs.backup.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link Alerts} for tests of the code that raises and clears conditions: keeps the
 * open set and every raise, and a clear only when it closes an open condition, as the real
 * de-duplication sends a resolved notice only then.
 */
public class RecordingAlerts implements Alerts {
    public final Map<String, OpenAlert> open = new LinkedHashMap<>();
    public final List<String> events = new ArrayList<>();

    @Override
    public void raise(String key, Severity severity, String title, String message) {
        events.add("raise " + key + " " + severity);
        open.put(key, new OpenAlert(key, severity, title, message, Instant.EPOCH));
    }

    @Override
    public void clear(String key, String message) {
        if (open.remove(key) != null) {
            events.add("clear " + key);
        }
    }

    @Override
    public void jobStarted(String job) {
    }

    @Override
    public void jobFinished(String job, boolean ok, String summary) {
    }

    @Override
    public List<OpenAlert> open() {
        return List.copyOf(open.values());
    }
}
