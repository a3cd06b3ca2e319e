package org.cfs.backup.alert;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.process.Cancellation;

/**
 * How long to wait before each retry of a failed delivery, and the wait itself. The wait ends at
 * once when the process is cancelled (SIGTERM must not sit behind an alert retry); tests pass
 * zero delays.
 */
public final class Backoff {
    /** The default: the first try, then retries after 1 s, 2 s and 4 s (7 s of waiting at most). */
    public static final List<Duration> DEFAULT_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4));

    private final List<Duration> delays;
    private final CountDownLatch cancelled = new CountDownLatch(1);

    public Backoff(List<Duration> delays, Cancellation cancellation) {
        this.delays = List.copyOf(delays);
        if (cancellation != null) {
            cancellation.onCancel(cancelled::countDown);
            if (cancellation.isCancelled()) {
                cancelled.countDown();
            }
        }
    }

    public static Backoff none() {
        return new Backoff(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO), null);
    }

    /** Retries after the first try. */
    public int retries() {
        return delays.size();
    }

    public Duration delay(int retry) {
        return delays.get(retry);
    }

    /** Waits before retry number {@code retry} (0-based); false when cancelled, so no retry follows. */
    public boolean pause(int retry) {
        try {
            Duration d = delays.get(retry);
            return !cancelled.await(d.toMillis(), TimeUnit.MILLISECONDS) && cancelled.getCount() > 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
