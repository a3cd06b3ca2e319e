package org.cfs.backup.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ForecastTest {
    static final long GB = 1_000_000_000L;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC);

    private QuotaSample at(Duration ago, long used) {
        return new QuotaSample(clock.instant().minus(ago), "g", 100 * GB, used, 100 * GB - used, 0L, "ok", null);
    }

    @Test
    void steadyGrowthGivesDaysUntilFull() {
        List<QuotaSample> s = new ArrayList<>();
        for (int d = 10; d >= 0; d--) {
            s.add(at(Duration.ofDays(d), (50 - d) * GB)); // +1 GB a day, 50 GB used now
        }
        assertEquals(GB, Forecast.growthPerDay(s, clock.instant()), 1.0);
        assertEquals(50L, Forecast.daysUntilFull(s, 50 * GB, clock.instant()));
    }

    @Test
    void onlyTheLast30DaysCount() {
        List<QuotaSample> s = new ArrayList<>();
        s.add(at(Duration.ofDays(60), 0)); // an old burst that must not count
        s.add(at(Duration.ofDays(20), 40 * GB));
        s.add(at(Duration.ofDays(10), 45 * GB));
        s.add(at(Duration.ZERO, 50 * GB));
        assertEquals(0.5 * GB, Forecast.growthPerDay(s, clock.instant()), 1.0);
        assertEquals(100L, Forecast.daysUntilFull(s, 50 * GB, clock.instant()));
    }

    @Test
    void noGrowthOrShrinkingGivesNoForecast() {
        List<QuotaSample> flat = List.of(at(Duration.ofDays(5), 10 * GB), at(Duration.ZERO, 10 * GB));
        assertNull(Forecast.daysUntilFull(flat, 90 * GB, clock.instant()));
        List<QuotaSample> shrinking = List.of(at(Duration.ofDays(5), 20 * GB), at(Duration.ZERO, 10 * GB));
        assertNull(Forecast.daysUntilFull(shrinking, 90 * GB, clock.instant()));
    }

    @Test
    void tooFewOrTooCloseSamplesGiveNoForecast() {
        assertNull(Forecast.daysUntilFull(List.of(at(Duration.ZERO, GB)), 9 * GB, clock.instant()));
        List<QuotaSample> close = List.of(at(Duration.ofHours(2), GB), at(Duration.ZERO, 2 * GB));
        assertNull(Forecast.daysUntilFull(close, 9 * GB, clock.instant()));
        assertNull(Forecast.daysUntilFull(List.of(at(Duration.ofDays(3), GB), at(Duration.ZERO, 2 * GB)), null,
                clock.instant()));
    }

    @Test
    void samplesWithoutUsedAreSkipped() {
        List<QuotaSample> s = new ArrayList<>();
        s.add(at(Duration.ofDays(4), 10 * GB));
        s.add(new QuotaSample(clock.instant().minus(Duration.ofDays(2)), "g", null, null, null, null, "unknown", "x"));
        s.add(at(Duration.ZERO, 14 * GB));
        assertEquals(86L, Forecast.daysUntilFull(s, 86 * GB, clock.instant()));
    }
}
