package org.cfs.backup.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The config's durations ({@code 30s}, {@code 90m}, {@code 26h}, {@code 8d}), as {@link Size} is its sizes. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the value when it is no such duration */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 90m, 26h or 8d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
