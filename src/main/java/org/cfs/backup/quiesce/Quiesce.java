package org.cfs.backup.quiesce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.state.QuiesceJournal;

/**
 * The containers of one volume held still while something reads or replaces the volume: journal
 * record first, then {@code docker stop} (one container after another, each with its source's
 * {@code stop-timeout}) or {@code docker pause}; {@link #close()} always starts/unpauses what was
 * stopped/paused and clears the journal, unless {@link #keepQuiescedIf} says the volume is not fit
 * to run on. Used by backup's second pass and (after the split) by the in-place restore.
 *
 * <p>Cancellation reaches the stop step: a cancel while a container is stopping lets that one
 * stop finish (the engine would finish it anyway, and a start before its end would be undone),
 * stops nothing more, starts what was stopped and throws {@link CancelledException}.
 */
public final class Quiesce implements AutoCloseable {
    /** What is done to the containers. */
    public enum Action {
        STOP, PAUSE;

        /** The journal's word: {@code stop} or {@code pause}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Docker docker;
    private final QuiesceJournal journal;
    private final Cancellation cancellation;
    private final List<Docker.Container> containers;
    private final Action action;
    private final int stopTimeoutS;
    private final Consumer<String> log;
    private final List<Docker.Container> touched = new ArrayList<>();
    private final List<Docker.Stopped> stops = new ArrayList<>();
    private final String volume;
    private final String command;
    private boolean started;
    private long down0;
    private boolean resumed;
    private double downtime;
    private String resumeError;
    private BooleanSupplier keepIf;
    private String keepWhy;
    private boolean kept;

    private Quiesce(Docker docker, QuiesceJournal journal, Cancellation cancellation, List<Docker.Container> containers,
                    Action action, String volume, String command, int stopTimeoutS, Consumer<String> log) {
        this.volume = volume;
        this.command = command;
        this.docker = docker;
        this.journal = journal;
        this.cancellation = cancellation;
        this.containers = List.copyOf(containers);
        this.action = action;
        this.stopTimeoutS = stopTimeoutS;
        this.log = log;
    }

    /**
     * Records the containers in the journal, then stops or pauses them ({@link #prepare} then
     * {@link #start}), for {@code try (Quiesce q = Quiesce.begin(...)) { ... }}. When that fails or is
     * cancelled half-way, what was already stopped or paused is resumed before the exception leaves.
     *
     * @param containers the running containers to hold still (none: nothing happens, no downtime)
     * @param command the journal's command word ({@code backup}, {@code restore})
     * @param stopTimeoutS the {@code docker stop -t} of each container (the source's {@code stop-timeout})
     * @throws CancelledException when cancelled before or between stops (after resuming)
     */
    public static Quiesce begin(Docker docker, QuiesceJournal journal, Cancellation cancellation,
                                List<Docker.Container> containers, Action action, String volume, String command,
                                int stopTimeoutS, Consumer<String> log) {
        return prepare(docker, journal, cancellation, containers, action, volume, command, stopTimeoutS, log).start();
    }

    /**
     * A quiesce not started yet: for a caller that wants the object (its downtime, its kills) also
     * when {@link #start()} throws. {@link #close()} is then still due.
     */
    public static Quiesce prepare(Docker docker, QuiesceJournal journal, Cancellation cancellation,
                                  List<Docker.Container> containers, Action action, String volume, String command,
                                  int stopTimeoutS, Consumer<String> log) {
        return new Quiesce(docker, journal, cancellation, containers, action, volume, command, stopTimeoutS, log);
    }

    /** Journal record, then stop or pause (see {@link #begin}); resumes what it did before it throws. */
    public Quiesce start() {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("quiesce already started");
            }
            started = true;
            if (containers.isEmpty()) {
                resumed = true;
                return this;
            }
            journal.record(containers, action.word(), volume, command, action == Action.STOP ? stopTimeoutS : null);
            down0 = System.nanoTime();
        }
        try {
            quiesceAll();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private void quiesceAll() {
        for (Docker.Container c : containers) {
            // what has not been stopped yet stays running when the run is cancelled
            cancellation.check();
            if (action == Action.STOP) {
                touched.add(c); // before the call: a stop that fails may still have stopped it
                Docker.Stopped st = docker.stop(c.id(), stopTimeoutS);
                stops.add(st);
                if (st.killed()) {
                    log.accept("container " + c.name() + " did not exit within its stop-timeout of " + stopTimeoutS
                            + " s after SIGTERM and was killed: " + KILL_ADVICE);
                }
            } else {
                docker.pause(List.of(c.id()));
                touched.add(c); // after: unpausing a container whose pause failed would fail
            }
        }
        cancellation.check();
    }

    /** What to do about a container that needs the kill to stop. */
    public static final String KILL_ADVICE = "use consistency: pause for it, or fix its image's signal handling"
            + " (a shell as PID 1 ignores SIGTERM: exec the program, or run the container with --init)";

    /**
     * Leaves the containers stopped/paused at {@link #close()} when {@code condition} holds then
     * (a volume left mixed by an unfinished swap): the journal keeps them and the next command
     * repairs first. {@code why} is logged.
     */
    public synchronized Quiesce keepQuiescedIf(BooleanSupplier condition, String why) {
        this.keepIf = condition;
        this.keepWhy = why;
        return this;
    }

    /**
     * Starts or unpauses what this stopped or paused and clears their journal entries (once;
     * callable from another thread, e.g. a watch that gives up on a dead remote). A failure is
     * kept for {@link #resumeError()}: the journal then keeps the entries and the next cfs-backup
     * command retries.
     */
    public synchronized void resume() {
        if (resumed) {
            return;
        }
        if (!started) {
            resumed = true; // never started: nothing recorded, nothing touched
            return;
        }
        resumed = true;
        List<String> touchedIds = touched.stream().map(Docker.Container::id).toList();
        List<String> untouched = containers.stream().map(Docker.Container::id).filter(id -> !touchedIds.contains(id))
                .toList();
        try {
            if (!untouched.isEmpty()) {
                journal.clear(untouched); // never stopped: nothing to resume, nothing to wait for
            }
            if (keepIf != null && keepIf.getAsBoolean()) {
                kept = true;
                log.accept("containers " + names() + " stay " + (action == Action.STOP ? "stopped" : "paused") + ": "
                        + keepWhy);
            } else if (!touchedIds.isEmpty()) {
                if (action == Action.STOP) {
                    docker.start(touchedIds);
                } else {
                    docker.unpause(touchedIds);
                }
                // the apps are up again: the journal's bookkeeping (an fsync) is not downtime
                downtime = seconds(down0);
                journal.clear(touchedIds);
            }
        } catch (CfsException e) {
            resumeError = e.getMessage();
            log.accept("could not resume containers " + names() + ": " + e.getMessage());
        }
        if (downtime == 0) {
            downtime = seconds(down0); // kept down, or the resume failed: down until now at least
        }
    }

    /** Resumes ({@link #resume()}); never throws. */
    @Override
    public void close() {
        resume();
    }

    /** Seconds the containers have been down: until the resume once it ran, else so far (0 with none). */
    public synchronized double downtimeSeconds() {
        if (containers.isEmpty() || down0 == 0) {
            return 0;
        }
        return resumed ? downtime : seconds(down0);
    }

    /** Why the resume failed, or null. */
    public synchronized String resumeError() {
        return resumeError;
    }

    /** True when {@link #keepQuiescedIf} held at the resume (containers left stopped on purpose). */
    public synchronized boolean kept() {
        return kept;
    }

    public boolean resumed() {
        synchronized (this) {
            return resumed;
        }
    }

    public List<Docker.Container> containers() {
        return containers;
    }

    public Action action() {
        return action;
    }

    public int stopTimeoutSeconds() {
        return stopTimeoutS;
    }

    /** Every {@code docker stop} done, in order. */
    public synchronized List<Docker.Stopped> stops() {
        return List.copyOf(stops);
    }

    /** Names of the containers that did not exit within the stop-timeout and were killed. */
    public synchronized List<String> killed() {
        List<String> out = new ArrayList<>();
        for (Docker.Stopped st : stops) {
            if (st.killed()) {
                containers.stream().filter(c -> c.id().equals(st.container())).findFirst()
                        .ifPresent(c -> out.add(c.name()));
            }
        }
        return out;
    }

    /** The containers' names, comma-separated. */
    public String names() {
        return String.join(", ", containers.stream().map(Docker.Container::name).toList());
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
