package org.cfs.backup.schedule;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ScheduleConfig;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: Quartz (in-memory job store) fires one job per {@code schedule:} entry; each job runs
 * the same CLI command in-process. Jobs run one at a time through a fair lock (queued, never
 * skipped); missed runs are made up at start; a cancel (SIGTERM) reaches the
 * running restic as SIGINT through the shared {@link Cancellation}, the run is recorded as
 * interrupted and the scheduler shuts down once the running jobs have returned.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Every job the daemon knows, in the order of {@code schedule:}. */
    public static final List<String> JOBS = List.of("backup", "prune", "check", "drill", "quota", "audit", "boot-drill");
    /** Jobs that take restic's lock on the repository (after one is interrupted, stale locks are cleared). */
    static final Set<String> REPOSITORY_JOBS = Set.of("backup", "prune", "check", "drill", "boot-drill");
    /** Jobs whose command is not their name (issue 16: the boot drill is {@code drill --boot}). */
    static final Map<String, List<String>> JOB_COMMANDS = Map.of("boot-drill", List.of("drill", "--boot"));

    static List<String> commandOf(String job) {
        return JOB_COMMANDS.getOrDefault(job, List.of(job));
    }
    static final String TRIGGER_KEY = "trigger";

    /** What the daemon needs from the outside; the clock decides catch-up. */
    public record Context(Config config, Path configPath, Cancellation cancellation, Clock clock, Alerts alerts,
                          Restic restic, RunHistory history, AuditLog auditLog, CommandInvoker invoker,
                          PrintWriter err) {
    }

    private final Context ctx;
    /*
     * One job at a time, fair (in the order they fired). The repository jobs must not overlap
     * (restic 0.14's prune and check fail on any other lock); quota and audit queue too, because
     * all jobs run in this one JVM, where a second in-process command would find the state dir's
     * operation lock taken (exit 4) instead of waiting for it.
     */
    private final ReentrantLock jobLock = new ReentrantLock(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, Instant> newestSnapshots = new ConcurrentHashMap<>();
    private final CheckRotation rotation;
    private volatile Scheduler scheduler;
    private volatile boolean repositoryJobInterrupted;

    public Daemon(Context ctx) {
        this.ctx = ctx;
        this.rotation = new CheckRotation(ctx.config().stateDir());
    }

    /** Every job's cron from {@code schedule:}, in the config's order. */
    public static Map<String, String> crons(ScheduleConfig s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("backup", s.backup());
        m.put("prune", s.prune());
        m.put("check", s.check());
        m.put("drill", s.drill());
        m.put("quota", s.quota());
        m.put("audit", s.audit());
        m.put("boot-drill", s.bootDrill());
        return m;
    }

    /**
     * Runs until the cancellation fires; then waits for the running job to clean up and returns.
     *
     * @return the exit code of the daemon (0 after a requested stop)
     */
    public int run() {
        Config config = ctx.config();
        // one daemon per state dir: a kernel file lock on daemon.lock, gone with the process
        try (OperationLock lock = OperationLock.acquire(config.stateDir().resolve("daemon.lock"), "daemon",
                "a cfs-backup daemon already runs:")) {
            Map<String, String> crons = new LinkedHashMap<>();
            crons(config.schedule()).forEach((job, cron) -> {
                if (ctx.invoker().exists(commandOf(job).get(0))) {
                    crons.put(job, cron);
                } else {
                    LOG.warn("job {}: this build has no '{}' command; not scheduled", job, job);
                }
            });
            ctx.cancellation().onCancel(stopped::countDown);
            if (ctx.cancellation().isCancelled()) {
                return ExitCode.INTERRUPTED;
            }
            MetricsServer metricsServer = null;
            try {
                if (config.metricsListen() != null) {
                    writeMetrics();
                    metricsServer = MetricsServer.start(config.metricsListen(), config.metricsFile());
                    LOG.info("metrics served on http://{}/metrics", config.metricsListen());
                }
                scheduler = newScheduler();
                scheduler.setJobFactory((bundle, sched) -> new QuartzJob(this));
                for (Map.Entry<String, String> e : crons.entrySet()) {
                    JobDetail job = JobBuilder.newJob(QuartzJob.class).withIdentity(e.getKey()).storeDurably().build();
                    Trigger trigger = TriggerBuilder.newTrigger().withIdentity(e.getKey() + "-cron").forJob(job)
                            .usingJobData(TRIGGER_KEY, "schedule")
                            .withSchedule(CronScheduleBuilder.cronSchedule(e.getValue())
                                    .inTimeZone(TimeZone.getTimeZone(ctx.clock().getZone()))
                                    // a fire missed while another run held the thread runs once, late, not never
                                    .withMisfireHandlingInstructionFireAndProceed())
                            .build();
                    scheduler.scheduleJob(job, trigger);
                }
                List<CatchUp.Due> due = new CatchUp(config.stateDir(), ctx.clock()).due(crons, ctx.history().all());
                // a daemon that was killed (SIGKILL, power loss) left its restic's lock behind
                clearStaleLocks();
                scheduler.start();
                Instant now = ctx.clock().instant();
                for (String job : crons.keySet()) {
                    LOG.info("job {}: cron '{}', next run {}", job, crons.get(job),
                            CronSchedule.next(crons.get(job), now, ctx.clock().getZone()));
                }
                for (CatchUp.Due d : due) {
                    LOG.info("job {}: missed its run of {}; running it now", d.job(), d.missedFireTime());
                    JobDataMap data = new JobDataMap();
                    data.put(TRIGGER_KEY, "catch-up");
                    scheduler.triggerJob(JobKey.jobKey(d.job()), data);
                }
                ctx.auditLog().record("daemon", "started", "jobs=" + String.join(",", crons.keySet())
                        + (due.isEmpty() ? "" : " catch-up=" + String.join(",", due.stream().map(CatchUp.Due::job).toList())));
                LOG.info("daemon started (pid {}); {} job(s) scheduled", ProcessHandle.current().pid(), crons.size());
                if (due.stream().noneMatch(d -> d.job().equals("backup") || d.job().equals("quota"))) {
                    checkFreshness();
                }
                stopped.await();
                LOG.info("stopping: waiting for the running job to finish its clean-up");
            } catch (SchedulerException e) {
                throw new CfsException(ExitCode.FAILED, "scheduler: " + e.getMessage());
            } catch (IOException e) {
                throw new CfsException(ExitCode.FAILED, "cannot serve metrics on " + config.metricsListen() + ": "
                        + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                shutdown();
                if (metricsServer != null) {
                    metricsServer.close();
                }
            }
            if (repositoryJobInterrupted) {
                clearStaleLocks();
            }
            ctx.auditLog().record("daemon", "stopped", null);
            LOG.info("daemon stopped");
            return ExitCode.OK;
        }
    }

    private Scheduler newScheduler() throws SchedulerException {
        Properties p = new Properties();
        // a unique name: StdSchedulerFactory keeps schedulers in a JVM-wide registry by name
        p.setProperty("org.quartz.scheduler.instanceName", "cfs-backup-" + UUID.randomUUID());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        // one thread per job: every job can wait in the queue of the job lock at the same time
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(JOBS.size()));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return new StdSchedulerFactory(p).getScheduler();
    }

    private void shutdown() {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            // true: wait for running jobs; they see the cancellation and return after their clean-up
            s.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("scheduler shutdown: {}", e.getMessage());
        }
    }

    /**
     * A restic that gets SIGINT right after it started (a clean-up step that runs after the cancel)
     * can exit between writing its lock and registering it for removal; restic 0.14's forget, prune
     * and check then refuse to run. {@code restic unlock} removes only locks of dead processes.
     */
    private void clearStaleLocks() {
        try {
            ctx.restic().unlockAfterCancel();
            LOG.info("stale restic locks (of dead processes) removed");
        } catch (CfsException e) {
            LOG.warn("restic unlock: {}", e.getMessage());
        }
    }

    /** Asks the daemon to stop, as SIGTERM does (tests). */
    public void stop() {
        ctx.cancellation().cancel();
    }

    /** Runs one job now, on the calling thread: the body of every Quartz firing. */
    void runJob(String job, String trigger) {
        if (ctx.cancellation().isCancelled()) {
            LOG.info("job {}: not started, the daemon is stopping", job);
            return;
        }
        if (jobLock.isLocked()) {
            LOG.info("job {}: queued behind the running job", job);
        }
        jobLock.lock();
        try {
            if (ctx.cancellation().isCancelled()) {
                LOG.info("job {}: not started, the daemon is stopping", job);
                return;
            }
            execute(job, trigger);
        } finally {
            jobLock.unlock();
        }
    }

    private void execute(String job, String trigger) {
        Config config = ctx.config();
        List<String> args = new ArrayList<>(List.of("-c", ctx.configPath().toString()));
        args.addAll(commandOf(job));
        String subset = null;
        if (job.equals("check") && ctx.invoker().hasOption("check", "--read-data-subset")) {
            subset = rotation.current(config.checkSubsets());
            args.add("--read-data-subset");
            args.add(subset);
        }
        if (ctx.invoker().hasOption(commandOf(job).get(0), "--json")) {
            args.add("--json");
        }
        LOG.info("job {}: started ({}){}", job, trigger, subset == null ? "" : ", data subset " + subset);
        safely("alert jobStarted", () -> ctx.alerts().jobStarted(job));
        StringWriter out = new StringWriter();
        TailWriter errTail = new TailWriter(ctx.err(), 4096);
        Instant start = ctx.clock().instant();
        long t0 = System.nanoTime();
        int code = invoke(job, args, out, errTail);
        double seconds = Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
        Instant end = ctx.clock().instant();
        String outcome = Outcome.of(code, ctx.cancellation().isCancelled());
        if (outcome.equals("interrupted") && REPOSITORY_JOBS.contains(job)) {
            repositoryJobInterrupted = true;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("trigger", trigger);
        figures.put("exit_code", code);
        figures.put("duration_s", seconds);
        if (subset != null) {
            figures.put("read_data_subset", subset);
        }
        String error = outcome.equals("ok") ? null : outcome.equals("interrupted") ? "interrupted by signal"
                : ResultAlerts.lastLine(errTail.tail());
        ctx.history().append(new RunRecord(job, null, start, end, outcome, null, figures,
                error == null || error.isBlank() ? null : error));
        ctx.auditLog().record("daemon-" + job, outcome, String.format(Locale.ROOT, "trigger=%s exit=%d duration_s=%.1f%s",
                trigger, code, seconds, subset == null ? "" : " subset=" + subset));
        LOG.info("job {}: {} (exit {}) in {} s", job, outcome, code, seconds);
        int exit = code;
        String stdout = out.toString();
        String stderrTail = errTail.tail();
        if (!outcome.equals("interrupted")) {
            safely("alerts", () -> ResultAlerts.apply(job, exit, stdout, stderrTail, ctx.alerts()));
            // only a clean check moves on: a failed one (damage, unreachable remote) reads the same subset again
            if (subset != null && exit == ExitCode.OK) {
                safely("check rotation", () -> {
                    try {
                        rotation.advance(config.checkSubsets());
                    } catch (IOException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                });
            }
        }
        safely("alert jobFinished", () -> ctx.alerts().jobFinished(job, outcome.equals("ok"),
                job + " " + outcome + " (exit " + exit + ")"));
        if ((job.equals("backup") || job.equals("quota")) && !ctx.cancellation().isCancelled()) {
            checkFreshness();
        }
        writeMetrics();
    }

    private int invoke(String job, List<String> args, StringWriter out, TailWriter errTail) {
        try (PrintWriter jobOut = new PrintWriter(out); PrintWriter jobErr = new PrintWriter(errTail)) {
            return ctx.invoker().run(jobOut, jobErr, args);
        } catch (RuntimeException e) {
            LOG.warn("job {}: {}", job, e.toString());
            return ExitCode.FAILED;
        }
    }

    /** Lists the snapshots (without a lock) and raises or clears {@code stale:<source>}. */
    public void checkFreshness() {
        Config config = ctx.config();
        List<String> names = config.sources().stream().map(SourceConfig::name).toList();
        if (names.isEmpty()) {
            return;
        }
        try {
            List<Snapshot> snaps = ctx.restic().snapshotsNoLock(config.host(), names);
            Duration staleAfter = Freshness.parseDuration(config.staleAfter());
            List<Freshness.SourceAge> ages = Freshness.evaluate(names, snaps, ctx.clock().instant(), staleAfter);
            for (Freshness.SourceAge a : ages) {
                if (a.newestSnapshotTime() != null) {
                    newestSnapshots.put(a.source(), a.newestSnapshotTime());
                }
                if (a.stale()) {
                    LOG.warn("source {} is stale: newest snapshot {}", a.source(), a.newestSnapshotTime());
                }
            }
            Freshness.alert(ages, staleAfter, ctx.alerts());
            ctx.alerts().clear("repository-unreachable", "the repository answers again");
        } catch (CfsException e) {
            if (ctx.cancellation().isCancelled()) {
                // stopping: restic got SIGINT, which says nothing about the repository
                return;
            }
            LOG.warn("freshness: cannot list snapshots: {}", e.getMessage());
            safely("alerts", () -> ctx.alerts().raise("repository-unreachable", Alerts.Severity.WARNING,
                    "cannot list the repository's snapshots", e.getMessage()));
        }
        writeMetrics();
    }

    private void writeMetrics() {
        Path file = ctx.config().metricsFile();
        if (file == null) {
            return;
        }
        try {
            new Metrics(file).write(ctx.config().sources().stream().map(SourceConfig::name).toList(), JOBS,
                    ctx.history().all(), StatusReport.lastQuotaSample(ctx.config().stateDir()),
                    Map.copyOf(newestSnapshots), ctx.clock().instant());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write metrics file {}: {}", file, e.getMessage());
        }
    }

    private static void safely(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // alerts and metrics never fail a job
            LOG.warn("{}: {}", what, e.toString());
        }
    }

    /** The Quartz job: one class for every job, the job's name is its key. */
    @DisallowConcurrentExecution
    public static final class QuartzJob implements Job {
        private final Daemon daemon;

        QuartzJob(Daemon daemon) {
            this.daemon = daemon;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String trigger = context.getMergedJobDataMap().getString(TRIGGER_KEY);
            try {
                daemon.runJob(context.getJobDetail().getKey().getName(), trigger == null ? "schedule" : trigger);
            } catch (RuntimeException e) {
                LOG.error("job {} failed: {}", context.getJobDetail().getKey().getName(), e.toString());
            }
        }
    }

    /** Forwards a job's stderr to the daemon's and keeps its tail for the run history. */
    static final class TailWriter extends Writer {
        private final PrintWriter target;
        private final StringBuilder tail = new StringBuilder();
        private final int max;

        TailWriter(PrintWriter target, int max) {
            this.target = target;
            this.max = max;
        }

        @Override
        public synchronized void write(char[] cbuf, int off, int len) {
            target.write(cbuf, off, len);
            tail.append(cbuf, off, len);
            if (tail.length() > 2 * max) {
                tail.delete(0, tail.length() - max);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            target.flush();
        }

        synchronized String tail() {
            return tail.toString();
        }
    }
}
