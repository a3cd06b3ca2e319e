package org.cfs.backup.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the remote will be full: a least-squares line through {@code used} over the last 30 days
 * of samples, extrapolated until it eats the free space. A line fits the nightly rhythm of
 * backups and prunes better than the last two points, which a single prune can turn negative.
 */
public final class Forecast {
    public static final Duration WINDOW = Duration.ofDays(30);
    /** Less than this span between the oldest and newest sample says nothing about a trend. */
    static final Duration MIN_SPAN = Duration.ofHours(12);

    private Forecast() {
    }

    /** Bytes per day that {@code used} grows by, or null when the samples cannot tell. */
    public static Double growthPerDay(List<QuotaSample> samples, Instant now) {
        Instant from = now.minus(WINDOW);
        List<QuotaSample> s = samples.stream()
                .filter(x -> x.used() != null && x.time() != null && !x.time().isBefore(from) && !x.time().isAfter(now))
                .toList();
        if (s.size() < 2) {
            return null;
        }
        Instant t0 = s.get(0).time();
        Instant first = s.stream().map(QuotaSample::time).min(Instant::compareTo).orElseThrow();
        Instant last = s.stream().map(QuotaSample::time).max(Instant::compareTo).orElseThrow();
        if (Duration.between(first, last).compareTo(MIN_SPAN) < 0) {
            return null;
        }
        double n = s.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (QuotaSample q : s) {
            double x = Duration.between(t0, q.time()).toMillis() / 86_400_000.0;
            double y = q.used();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double den = n * sxx - sx * sx;
        if (den == 0) {
            return null;
        }
        return (n * sxy - sx * sy) / den;
    }

    /**
     * Days until {@code free} is used up at the current growth, rounded down; null when there is
     * no growth (flat or shrinking) or too little history.
     */
    public static Long daysUntilFull(List<QuotaSample> samples, Long free, Instant now) {
        if (free == null) {
            return null;
        }
        Double perDay = growthPerDay(samples, now);
        if (perDay == null || perDay <= 0) {
            return null;
        }
        return (long) Math.floor(free / perDay);
    }
}
