package org.cfs.backup.alert;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.cfs.backup.config.AlertConfig;
import org.cfs.backup.process.Cancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Alerts} of a configured host: de-duplicates conditions through {@link AlertStore}
 * ({@code state-dir/alerts.json}) and delivers to every channel of {@code alerts:} in parallel,
 * each retried with {@link Backoff}. Nothing here throws into the caller: a channel or state file
 * that fails is logged (without secrets) and the job goes on.
 */
public final class ChannelAlerts implements Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelAlerts.class);
    /** How long one raise/clear/ping waits for all channels; tries still running after it go on in the background. */
    static final Duration MAX_WAIT = Duration.ofSeconds(90);

    private final List<Channel> channels;
    private final AlertStore store;
    private final String host;
    private final Clock clock;
    private final Backoff backoff;
    private final ExecutorService executor;

    public ChannelAlerts(List<Channel> channels, Path stateDir, String host, Clock clock, Backoff backoff) {
        this.channels = List.copyOf(channels);
        this.store = new AlertStore(stateDir);
        this.host = host;
        this.clock = clock;
        this.backoff = backoff;
        AtomicInteger n = new AtomicInteger();
        // threads exist only while something is being sent: the idle daemon keeps none
        int size = Math.max(1, this.channels.size());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "cfs-alert-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
    }

    /**
     * Builds the channels of {@code alerts:}.
     *
     * @param mailProperties extra Jakarta Mail properties for e-mail channels (null in production)
     */
    public static ChannelAlerts fromConfig(List<AlertConfig> configs, Path stateDir, String host, Clock clock,
                                           Backoff backoff, Properties mailProperties) {
        List<Channel> channels = new ArrayList<>();
        HttpDelivery shared = new HttpDelivery();
        for (int i = 0; i < configs.size(); i++) {
            AlertConfig a = configs.get(i);
            if (a.webhook() != null) {
                channels.add(new WebhookChannel("webhook#" + i, a.webhook(), shared));
            } else if (a.ntfy() != null) {
                channels.add(new NtfyChannel("ntfy#" + i, a.ntfy(), shared));
            } else if (a.healthchecks() != null) {
                channels.add(new HealthchecksChannel("healthchecks#" + i, a.healthchecks(), shared));
            } else if (a.email() != null) {
                channels.add(new EmailChannel("email#" + i, a.email(), host, mailProperties));
            }
        }
        return new ChannelAlerts(channels, stateDir, host, clock, backoff);
    }

    /** The production wiring: default backoff, cancelled waits end at once. */
    public static ChannelAlerts fromConfig(List<AlertConfig> configs, Path stateDir, String host,
                                           Cancellation cancellation) {
        return fromConfig(configs, stateDir, host, Clock.systemUTC(),
                new Backoff(Backoff.DEFAULT_DELAYS, cancellation), null);
    }

    public List<Channel> channels() {
        return channels;
    }

    public Path stateFile() {
        return store.file();
    }

    /** What raise decided under the lock: whom to tell, and what. */
    private record Decision(Notice notice, List<String> targets) {
    }

    @Override
    public void raise(String key, Severity severity, String title, String message) {
        if (key == null || severity == null) {
            LOG.warn("alert ignored: raise without key or severity");
            return;
        }
        Instant now = clock.instant();
        List<String> noticeIds = noticeChannelIds();
        Decision decided;
        try {
            decided = store.update(entries -> {
                int i = indexOf(entries, key);
                AlertStore.Entry old = i < 0 ? null : entries.get(i);
                boolean changed = old == null || old.severity() != severity;
                // same condition, same severity: only the channels that missed it last time
                List<String> targets = changed ? noticeIds
                        : old.undelivered().stream().filter(noticeIds::contains).toList();
                Instant since = old == null ? now : old.since();
                AlertStore.Entry updated = new AlertStore.Entry(key, severity, title, message, since,
                        changed ? now : old.updated(), List.of());
                if (i < 0) {
                    entries.add(updated);
                } else {
                    entries.set(i, updated);
                }
                if (!changed && targets.isEmpty()) {
                    return null;
                }
                return new Decision(Notice.open(key, severity, title, message, host, now), targets);
            });
        } catch (IOException | RuntimeException e) {
            // without the state file nothing can be de-duplicated: a repeated alert beats a lost one
            LOG.warn("alerts: raise {} could not use {}: {}; sending without de-duplication", key, store.file(),
                    e.toString());
            decided = new Decision(Notice.open(key, severity, title, message, host, now), noticeIds);
        }
        Decision d = decided;
        if (d == null || d.targets().isEmpty()) {
            return;
        }
        List<String> failed = deliver(d.targets(), c -> () -> c.notify(d.notice()), "alert " + key);
        if (!failed.isEmpty()) {
            guarded("raise " + key, () -> store.update(entries -> {
                int i = indexOf(entries, key);
                if (i >= 0 && entries.get(i).severity() == severity) {
                    AlertStore.Entry e = entries.get(i);
                    entries.set(i, new AlertStore.Entry(e.key(), e.severity(), e.title(), e.message(), e.since(),
                            e.updated(), failed));
                }
                return null;
            }));
        }
    }

    @Override
    public void clear(String key, String message) {
        if (key == null) {
            return;
        }
        Instant now = clock.instant();
        AlertStore.Entry closed = guarded("clear " + key, () -> store.update(entries -> {
            int i = indexOf(entries, key);
            return i < 0 ? null : entries.remove(i);
        }));
        if (closed == null) {
            return;
        }
        String text = message == null || message.isBlank() ? "cleared (was: " + closed.message() + ")" : message;
        Notice n = Notice.resolved(key, closed.severity(), closed.title(), text, host, now);
        deliver(noticeChannelIds(), c -> () -> c.notify(n), "resolved " + key);
    }

    @Override
    public void jobStarted(String job) {
        ping(job, Channel.Ping.START, "cfs-backup " + job + " started on " + host);
    }

    @Override
    public void jobFinished(String job, boolean ok, String summary) {
        ping(job, ok ? Channel.Ping.SUCCESS : Channel.Ping.FAIL,
                summary == null || summary.isBlank() ? "cfs-backup " + job + (ok ? " ok" : " failed") + " on " + host
                        : summary);
    }

    private void ping(String job, Channel.Ping kind, String body) {
        List<String> ids = channels.stream().filter(Channel::takesPings).map(Channel::id).toList();
        if (!ids.isEmpty()) {
            deliver(ids, c -> () -> c.ping(job, kind, body), "ping " + kind.name().toLowerCase(java.util.Locale.ROOT) + " of " + job);
        }
    }

    @Override
    public List<OpenAlert> open() {
        List<AlertStore.Entry> all = guarded("read open alerts", store::entries);
        return all == null ? List.of() : all.stream().map(AlertStore.Entry::toOpenAlert).toList();
    }

    private List<String> noticeChannelIds() {
        return channels.stream().filter(Channel::takesNotices).map(Channel::id).toList();
    }

    private static int indexOf(List<AlertStore.Entry> entries, String key) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private interface Send {
        void run() throws DeliveryException;
    }

    private interface StoreCall<T> {
        T call() throws IOException;
    }

    /** State-file trouble (full disk, bad JSON) is logged; alerts must not break the job. */
    private <T> T guarded(String what, StoreCall<T> call) {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            LOG.warn("alerts: {} failed on {}: {}", what, store.file(), e.toString());
            return null;
        }
    }

    /**
     * Sends on the channels named by {@code ids}, in parallel, each with retries.
     *
     * @return the ids of the channels that did not get it
     */
    private List<String> deliver(List<String> ids, Function<Channel, Send> send, String what) {
        List<Channel> targets = channels.stream().filter(c -> ids.contains(c.id())).toList();
        List<CompletableFuture<Boolean>> futures = new ArrayList<>();
        for (Channel c : targets) {
            futures.add(CompletableFuture.supplyAsync(() -> attempt(c, send.apply(c), what), executor));
        }
        List<String> failed = new ArrayList<>();
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        for (int i = 0; i < targets.size(); i++) {
            boolean ok;
            try {
                ok = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("alert channel {}: {} still not delivered after {} s; not waiting longer",
                        targets.get(i).describe(), what, MAX_WAIT.toSeconds());
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ok = false;
            } catch (java.util.concurrent.ExecutionException e) {
                ok = false;
            }
            if (!ok) {
                failed.add(targets.get(i).id());
            }
        }
        return failed;
    }

    /** One channel: the first try and the backoff's retries; true when delivered. */
    private boolean attempt(Channel c, Send send, String what) {
        int tries = backoff.retries() + 1;
        for (int t = 0; t < tries; t++) {
            try {
                send.run();
                if (t > 0) {
                    LOG.warn("alert channel {}: {} delivered on try {}", c.describe(), what, t + 1);
                }
                return true;
            } catch (DeliveryException | RuntimeException e) {
                boolean retry = e instanceof DeliveryException de ? de.retryable() : false;
                String why = redact(c, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                if (!retry || t == tries - 1) {
                    LOG.warn("alert channel {}: {} not delivered after {} tr{}: {}", c.describe(), what, t + 1,
                            t == 0 ? "y" : "ies", why);
                    return false;
                }
                LOG.warn("alert channel {}: {} failed (try {} of {}): {}; retrying in {} ms", c.describe(), what,
                        t + 1, tries, why, backoff.delay(t).toMillis());
                if (!backoff.pause(t)) {
                    LOG.warn("alert channel {}: {} given up: cancelled", c.describe(), what);
                    return false;
                }
            }
        }
        return false;
    }

    static String redact(Channel c, String text) {
        String out = text;
        for (String s : c.secrets()) {
            if (s != null && !s.isEmpty()) {
                out = out.replace(s, "***");
            }
        }
        return out;
    }
}
