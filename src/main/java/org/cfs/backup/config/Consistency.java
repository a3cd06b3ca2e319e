package org.cfs.backup.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a volume is kept consistent while it is read: untouched, paused, or stopped. */
public enum Consistency {
    LIVE, PAUSE, STOP;

    @JsonCreator
    public static Consistency parse(String s) {
        for (Consistency c : values()) {
            if (c.name().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not one of live, pause, stop");
    }

    @JsonValue
    public String yaml() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
