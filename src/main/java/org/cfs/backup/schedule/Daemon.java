package org.cfs.backup.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;
import org.cfs.backup.JobRequest;
import org.cfs.backup.JobRunner;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ScheduleConfig;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.fleet.FleetStore;
import org.cfs.backup.policy.AlertPolicy;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;

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

    static final String TRIGGER_KEY = "trigger";

    /** What the daemon needs from the outside; the clock decides catch-up. */
    public record Context(Config config, Path configPath, Cancellation cancellation, Clock clock, Alerts alerts,
                          Restic restic, RunHistory history, AuditLog auditLog, JobRunner jobs, FleetStore fleet) {
        /** A daemon of one host (no fleet). */
        public Context(Config config, Path configPath, Cancellation cancellation, Clock clock, Alerts alerts,
                       Restic restic, RunHistory history, AuditLog auditLog, JobRunner jobs) {
            this(config, configPath, cancellation, clock, alerts, restic, history, auditLog, jobs, null);
        }
    }

    /** The first wait of a fleet's prune or check for another host's repository lock; it doubles up to 5 min. */
    static final Duration FLEET_FIRST_WAIT = Duration.ofSeconds(5);
    /** How long a fleet's prune or check waits for other hosts' locks in all before it fails and alerts. */
    static final Duration FLEET_WAIT_BOUND = Duration.ofMinutes(30);
    /** How long a host's backup waits in all for a fleet prune or check (an exclusive lock) before it runs anyway. */
    static final Duration BACKUP_WAIT_BOUND = Duration.ofHours(2);
    static final String ATTEMPT_KEY = "attempt";
    static final String WAITED_KEY = "waited-s";
    static final String FIRE_KEY = "fire-ms";

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
    /** Fleet mode: the clustered scheduler of the fleet-wide jobs (null for one host). */
    private volatile Scheduler fleetScheduler;
    private volatile boolean repositoryJobInterrupted;
    /** The fleet's waits (issue 18): the first retry, doubling up to 5 min, and the bounds in all; tests shorten them. */
    private volatile Duration fleetFirstWait = FLEET_FIRST_WAIT;
    private volatile Duration fleetWaitBound = FLEET_WAIT_BOUND;
    private volatile Duration backupWaitBound = BACKUP_WAIT_BOUND;

    public Daemon(Context ctx) {
        this.ctx = ctx;
        this.rotation = new CheckRotation(ctx.config().stateDir());
    }

    /** Every job's cron from {@code schedule:}, in the config's order. */
    public static Map<Job, String> crons(ScheduleConfig s) {
        Map<Job, String> m = new LinkedHashMap<>();
        for (Job job : Job.values()) {
            m.put(job, switch (job) {
                case BACKUP -> s.backup();
                case PRUNE -> s.prune();
                case CHECK -> s.check();
                case DRILL -> s.drill();
                case QUOTA -> s.quota();
                case AUDIT -> s.audit();
                case BOOT_DRILL -> s.bootDrill();
            });
        }
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
            Map<String, String> shared = new LinkedHashMap<>();
            crons(config.schedule()).forEach((job, cron) -> {
                if (job == Job.QUOTA && !config.quota().on()) {
                    LOG.info("job quota: off (quota.enabled: false)");
                    return;
                }
                (ctx.fleet() != null && job.fleetWide() ? shared : crons).put(job.word(), cron);
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
                    scheduler.scheduleJob(job, cronTrigger(e.getKey(), e.getValue(), job));
                }
                if (!shared.isEmpty()) {
                    fleetScheduler = newFleetScheduler(shared);
                }
                // the fleet's store knows its missed runs (made up once for the fleet); these are this host's
                List<CatchUp.Due> due = new CatchUp(config.stateDir(), ctx.clock()).due(crons, ctx.history().all());
                // a daemon that was killed (SIGKILL, power loss) left its restic's lock behind
                clearStaleLocks();
                scheduler.start();
                if (fleetScheduler != null) {
                    fleetScheduler.start();
                    LOG.info("fleet {}: node {} joined; fleet jobs {}", config.fleet().name(), config.host(), shared.keySet());
                }
                Instant now = ctx.clock().instant();
                for (String job : crons.keySet()) {
                    LOG.info("job {}: cron '{}', next run {}", job, crons.get(job),
                            CronSchedule.next(crons.get(job), now, ctx.clock().getZone()));
                }
                for (String job : shared.keySet()) {
                    LOG.info("fleet job {}: cron '{}', runs on one node of the fleet", job, shared.get(job));
                }
                for (CatchUp.Due d : due) {
                    LOG.info("job {}: missed its run of {}; running it now", d.job(), d.missedFireTime());
                    JobDataMap data = new JobDataMap();
                    data.put(TRIGGER_KEY, "catch-up");
                    scheduler.triggerJob(JobKey.jobKey(d.job()), data);
                }
                ctx.auditLog().record("daemon", "started", "jobs=" + String.join(",", crons.keySet())
                        + (shared.isEmpty() ? "" : " fleet-jobs=" + String.join(",", shared.keySet()))
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
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Job.values().length));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return new StdSchedulerFactory(p).getScheduler();
    }

    /**
     * The fleet's clustered scheduler (Quartz's JDBC store on MariaDB, tables created when missing):
     * each fleet job is stored once for the fleet, fires on one live node, is recovered by another
     * when its node dies in it, and a run missed by the whole fleet is made up once.
     */
    private Scheduler newFleetScheduler(Map<String, String> shared) throws SchedulerException {
        FleetStore fleet = ctx.fleet();
        fleet.ensureSchema();
        // the fleet remembers its nodes and their machines' host names (restic's locks name the machine)
        fleet.register(ctx.config().host(), org.cfs.backup.fleet.RepositoryLocks.osHostName(), ctx.clock().instant());
        long checkinMs = Freshness.parseDuration(ctx.config().fleet().checkinInterval()).toMillis();
        Scheduler s = new StdSchedulerFactory(fleet.quartzProperties(ctx.config().host(), checkinMs)).getScheduler();
        s.setJobFactory((bundle, sched) -> new QuartzJob(this));
        s.getListenerManager().addSchedulerListener(new org.quartz.listeners.SchedulerListenerSupport() {
            @Override
            public void schedulerError(String msg, SchedulerException cause) {
                LOG.warn("fleet store: {}: {}", msg, cause.getMessage());
                safely("alerts", () -> ctx.alerts().raise("fleet-store", Alerts.Severity.WARNING,
                        "the fleet's job store does not answer", msg + ": " + cause.getMessage()
                                + " (this host's own jobs go on)"));
            }
        });
        for (Map.Entry<String, String> e : shared.entrySet()) {
            JobKey key = JobKey.jobKey(e.getKey());
            JobDetail job = JobBuilder.newJob(QuartzJob.class).withIdentity(key).storeDurably().requestRecovery(true).build();
            Trigger trigger = cronTrigger(e.getKey(), e.getValue(), job);
            try {
                Trigger old = s.getTrigger(trigger.getKey());
                if (!s.checkExists(key)) {
                    s.scheduleJob(job, trigger);
                } else if (!(old instanceof org.quartz.CronTrigger ct) || !ct.getCronExpression().equals(e.getValue())) {
                    // another node (or an older config) stored another schedule: the config starting now wins
                    s.addJob(job, true);
                    if (old == null) {
                        s.scheduleJob(trigger);
                    } else {
                        s.rescheduleJob(trigger.getKey(), trigger);
                    }
                }
            } catch (org.quartz.ObjectAlreadyExistsException race) {
                // another node stored it first, with the same config
            }
        }
        return s;
    }

    private Trigger cronTrigger(String name, String cron, JobDetail job) {
        return TriggerBuilder.newTrigger().withIdentity(name + "-cron").forJob(job)
                .usingJobData(TRIGGER_KEY, "schedule")
                .withSchedule(CronScheduleBuilder.cronSchedule(cron)
                        .inTimeZone(TimeZone.getTimeZone(ctx.clock().getZone()))
                        // a fire missed while another run held the thread runs once, late, not never
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
    }

    private void shutdown() {
        for (Scheduler s : new Scheduler[] {scheduler, fleetScheduler}) {
            if (s == null) {
                continue;
            }
            try {
                // true: wait for running jobs; they see the cancellation and return after their clean-up
                s.shutdown(true);
            } catch (SchedulerException e) {
                LOG.warn("scheduler shutdown: {}", e.getMessage());
            }
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

    /** Shortens the fleet's waits (tests): the first retry and the bounds of fleet jobs and of backups. */
    void fleetWaits(Duration first, Duration fleetBound, Duration backupBound) {
        this.fleetFirstWait = first;
        this.fleetWaitBound = fleetBound;
        this.backupWaitBound = backupBound;
    }

    /** Runs one job now, on the calling thread: the body of every Quartz firing. */
    void runJob(String job, String trigger) {
        runJob(job, trigger, null);
    }

    /** As above; {@code fleetRun} is the firing of a fleet job (recorded in the fleet's store), else null. */
    void runJob(String job, String trigger, JobExecutionContext fleetRun) {
        runJob(job, trigger, fleetRun, null);
    }

    /** As above; {@code hostRun} is the firing of a host job on the in-memory scheduler (for its waits), or null. */
    void runJob(String job, String trigger, JobExecutionContext fleetRun, JobExecutionContext hostRun) {
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
            if (fleetRun == null) {
                if (hostRun != null && ctx.fleet() != null && Job.of(job) == Job.BACKUP && waitsForFleetJob(job, trigger, hostRun)) {
                    return;
                }
                execute(job, trigger);
            } else {
                executeForFleet(job, trigger, fleetRun);
            }
        } finally {
            jobLock.unlock();
        }
    }

    /**
     * A fleet job on this node: prune and check first wait (through Quartz, not a sleeping thread)
     * while another host holds a lock on the repository, then run; the run and its node go into
     * the fleet's store, so that {@code status --fleet} can say where it ran.
     */
    private void executeForFleet(String name, String trigger, JobExecutionContext fire) {
        Job job = Job.of(name);
        FleetStore fleet = ctx.fleet();
        JobDataMap data = fire.getMergedJobDataMap();
        int attempt = data.containsKey(ATTEMPT_KEY) ? data.getInt(ATTEMPT_KEY) : 0;
        Instant fireTime = fireTime(fire);
        long waited = data.containsKey(WAITED_KEY) ? data.getLong(WAITED_KEY) : 0;
        if (job.takesRepositoryLock() && !repositoryFree()) {
            retryOrGiveUp(name, trigger, fire, attempt, waited, fireTime);
            return;
        }
        long started;
        try {
            started = fleet.started(name, ctx.config().host(), fireTime, ctx.clock().instant());
            safely("alerts", () -> ctx.alerts().clear("fleet-store", "the fleet's job store answers again"));
        } catch (CfsException e) {
            LOG.warn("fleet job {}: {}", name, e.getMessage());
            started = -1;
        }
        String outcome = execute(name, trigger);
        if (!outcome.equals("interrupted")) {
            safely("alerts", () -> new AlertPolicy(ctx.alerts()).fleetWait(name, null));
        }
        if (started >= 0) {
            long s = started;
            safely("fleet store", () -> fleet.finished(name, ctx.config().host(), s, ctx.clock().instant(), outcome, null));
        }
        if (outcome.equals("failed") && job.takesRepositoryLock() && !ctx.cancellation().isCancelled() && !repositoryFree()) {
            // another host's backup took its lock between the look and the start (restic 0.14 fails at once
            // on it): the run waits as if it had seen the lock, within the same bound
            LOG.info("fleet job {}: failed while another host holds a lock on the repository; waiting for it", name);
            retryOrGiveUp(name, trigger, fire, attempt, waited, fireTime);
        }
    }

    /**
     * Runs the fleet job again later through Quartz (no thread sleeps meanwhile), with backoff;
     * past {@link #fleetWaitBound} in all: records the failed wait, alerts, and gives up until its next run.
     */
    private void retryOrGiveUp(String name, String trigger, JobExecutionContext fire, int attempt, long waited,
                               Instant fireTime) {
        FleetStore fleet = ctx.fleet();
        Duration wait = backoff(attempt);
        if (waited + wait.toSeconds() > fleetWaitBound.toSeconds()) {
            String why = name + " waited " + waited + " s for other hosts' locks on the repository (bound "
                    + fleetWaitBound.toSeconds() + " s); giving up until its next run";
            LOG.warn("fleet job {}: {}", name, why);
            safely("alerts", () -> new AlertPolicy(ctx.alerts()).fleetWait(name, why));
            safely("fleet store", () -> fleet.finished(name, ctx.config().host(),
                    fleet.started(name, ctx.config().host(), fireTime, ctx.clock().instant()), ctx.clock().instant(),
                    "failed", why));
            return;
        }
        LOG.info("fleet job {}: the repository is locked by another host; trying again in {} s", name, wait.toSeconds());
        try {
            fire.getScheduler().scheduleJob(TriggerBuilder.newTrigger().forJob(fire.getJobDetail().getKey())
                    .usingJobData(TRIGGER_KEY, trigger.startsWith("wait") ? trigger : "wait-" + trigger)
                    .usingJobData(ATTEMPT_KEY, attempt + 1).usingJobData(WAITED_KEY, waited + wait.toSeconds())
                    .usingJobData(FIRE_KEY, fireTime.toEpochMilli())
                    .startAt(java.util.Date.from(ctx.clock().instant().plus(wait))).build());
        } catch (SchedulerException e) {
            LOG.warn("fleet job {}: cannot schedule its retry: {}", name, e.getMessage());
        }
    }

    /** The n-th wait (0-based): the first wait, doubling, at most 5 min. */
    private Duration backoff(int attempt) {
        Duration wait = fleetFirstWait.multipliedBy(1L << Math.min(attempt, 6));
        return wait.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : wait;
    }

    /**
     * Fleet mode: a host's backup that finds a fleet prune or check holding the repository (an
     * exclusive lock; restic 0.14's backup would fail at once) runs again later through Quartz,
     * with the fleet's backoff, up to {@link #BACKUP_WAIT_BOUND} in all; then it runs anyway (and
     * fails on the lock, recorded and alerted as a failed backup) and {@code fleet-wait:backup} is
     * raised. Returns true when the run was put off.
     */
    private boolean waitsForFleetJob(String name, String trigger, JobExecutionContext fire) {
        List<org.cfs.backup.fleet.RepositoryLocks.Lock> locks;
        try {
            org.cfs.backup.fleet.RepositoryLocks rl = repositoryLocks();
            clearDeadNodesLocks(rl);
            locks = rl.list();
        } catch (CfsException e) {
            LOG.warn("fleet: cannot list the repository's locks: {}", e.getMessage());
            return false; // the backup itself will say what is wrong with the repository
        }
        JobDataMap data = fire.getMergedJobDataMap();
        if (!org.cfs.backup.fleet.RepositoryLocks.exclusiveHeld(locks)) {
            safely("alerts", () -> new AlertPolicy(ctx.alerts()).fleetWait(name, null));
            return false;
        }
        int attempt = data.containsKey(ATTEMPT_KEY) ? data.getInt(ATTEMPT_KEY) : 0;
        long waited = data.containsKey(WAITED_KEY) ? data.getLong(WAITED_KEY) : 0;
        String holder = locks.stream().filter(org.cfs.backup.fleet.RepositoryLocks.Lock::exclusive)
                .map(l -> l.hostname() + " pid " + l.pid()).findFirst().orElse("?");
        Duration wait = backoff(attempt);
        if (waited + wait.toSeconds() > backupWaitBound.toSeconds()) {
            String why = name + " waited " + waited + " s for the fleet job holding the repository (" + holder + ", bound "
                    + backupWaitBound.toSeconds() + " s); running it now";
            LOG.warn("job {}: {}", name, why);
            safely("alerts", () -> new AlertPolicy(ctx.alerts()).fleetWait(name, why));
            return false;
        }
        JobDataMap retry = new JobDataMap();
        retry.put(ATTEMPT_KEY, attempt + 1);
        retry.put(WAITED_KEY, waited + wait.toSeconds());
        if (!runAgain(name, trigger, "wait-", wait, retry)) {
            return false;
        }
        LOG.info("job {}: a fleet job holds the repository exclusively ({}); trying again in {} s", name, holder,
                wait.toSeconds());
        ctx.auditLog().record("daemon-" + name, "waiting", "holder=\"" + holder + "\" waited_s=" + waited
                + " next_s=" + wait.toSeconds());
        return true;
    }

    private org.cfs.backup.fleet.RepositoryLocks repositoryLocks() {
        return new org.cfs.backup.fleet.RepositoryLocks(ctx.restic(), m -> {
            LOG.info("fleet: {}", m);
            ctx.auditLog().record("fleet-unlock", "removed", m);
        });
    }

    /** Removes the locks of nodes that the cluster's node table calls dead (issue 18). */
    private void clearDeadNodesLocks(org.cfs.backup.fleet.RepositoryLocks rl) {
        List<FleetStore.Member> nodes;
        try {
            nodes = ctx.fleet().members(ctx.clock().instant());
        } catch (CfsException e) {
            LOG.warn("fleet: cannot read the node table, stale locks of other hosts stay: {}", e.getMessage());
            return;
        }
        rl.clearDeadNodes(nodes, ctx.config().host());
    }

    /** How long a job that met this process's own lock (a console job) waits before it runs again. */
    static final Duration BUSY_AGAIN = Duration.ofSeconds(5);

    /** True when the state dir's operation lock is held by this JVM (the web console beside the schedule). */
    private boolean heldByThisProcess() {
        String holder = OperationLock.currentHolder(ctx.config().stateDir().resolve("lock"));
        return holder != null && holder.startsWith("pid " + ProcessHandle.current().pid() + ",");
    }

    /** Runs the job again in {@link #BUSY_AGAIN}, through Quartz (no thread sleeps meanwhile). */
    private boolean requeue(String name, String trigger) {
        if (!runAgain(name, trigger, "busy-", BUSY_AGAIN, new JobDataMap())) {
            return false;
        }
        LOG.info("job {}: the console's job holds the lock; running again in {} s", name, BUSY_AGAIN.toSeconds());
        return true;
    }

    /**
     * One more firing of job {@code name} {@code after} from now, through Quartz (no thread sleeps
     * meanwhile), its trigger named {@code prefix + trigger} once (a retry of a retry keeps the name).
     */
    private boolean runAgain(String name, String trigger, String prefix, Duration after, JobDataMap data) {
        Scheduler s = scheduler;
        if (s == null || ctx.cancellation().isCancelled()) {
            return false;
        }
        try {
            s.scheduleJob(TriggerBuilder.newTrigger().forJob(JobKey.jobKey(name))
                    .usingJobData(data).usingJobData(TRIGGER_KEY, trigger.startsWith(prefix) ? trigger : prefix + trigger)
                    .startAt(java.util.Date.from(ctx.clock().instant().plus(after))).build());
            return true;
        } catch (SchedulerException e) {
            LOG.warn("job {}: cannot queue it again: {}", name, e.getMessage());
            return false;
        }
    }

    /** The scheduled fire this run belongs to: a retry and Quartz's recovery keep the original's. */
    private static Instant fireTime(JobExecutionContext fire) {
        JobDataMap data = fire.getMergedJobDataMap();
        if (data.containsKey(FIRE_KEY)) {
            return Instant.ofEpochMilli(data.getLong(FIRE_KEY));
        }
        if (fire.isRecovering()) {
            String orig = data.getString(org.quartz.Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
            if (orig != null) {
                return Instant.ofEpochMilli(Long.parseLong(orig));
            }
        }
        return fire.getScheduledFireTime() == null ? null : fire.getScheduledFireTime().toInstant();
    }

    /**
     * Stale locks removed (dead processes of this host, or older than 30 min: restic's unlock; those
     * of nodes the cluster's node table calls dead: {@link org.cfs.backup.fleet.RepositoryLocks}), then:
     * is any lock left?
     */
    private boolean repositoryFree() {
        try {
            ctx.restic().unlock();
            if (ctx.fleet() != null) {
                clearDeadNodesLocks(repositoryLocks());
            }
            return ctx.restic().locks().isEmpty();
        } catch (CfsException e) {
            LOG.warn("fleet: cannot list the repository's locks: {}", e.getMessage());
            return true; // the job itself will say what is wrong with the repository
        }
    }

    private String execute(String name, String trigger) {
        Config config = ctx.config();
        Job job = Job.of(name);
        JobRequest request = JobRequest.all();
        String subset = null;
        boolean fleetRotation = false;
        if (job == Job.CHECK) {
            subset = null;
            if (ctx.fleet() != null) {
                // issue 18: one rotation for the whole fleet, kept in the fleet's store
                try {
                    subset = ctx.fleet().checkRotation(config.checkSubsets()).subset();
                    fleetRotation = true;
                } catch (CfsException e) {
                    LOG.warn("fleet check rotation: {}; this node's own rotation reads its next subset", e.getMessage());
                }
            }
            if (subset == null) {
                subset = rotation.current(config.checkSubsets());
            }
            request = request.withReadDataSubset(subset);
        }
        LOG.info("job {}: started ({}){}", name, trigger, subset == null ? "" : ", data subset " + subset);
        Instant start = ctx.clock().instant();
        long t0 = System.nanoTime();
        int code;
        String error;
        try {
            JobReport report = ctx.jobs().run(job, request);
            code = report.exitCode();
            error = report.problem();
        } catch (CfsException e) {
            if (e.exitCode() == ExitCode.BUSY && heldByThisProcess() && requeue(name, trigger)) {
                // the web console's job beside the schedule holds the lock: this run waits its turn
                return "queued";
            }
            code = e.exitCode();
            error = e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("job {}: {}", name, e.toString());
            code = ExitCode.FAILED;
            error = e.toString();
        }
        double seconds = Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
        Instant end = ctx.clock().instant();
        String outcome = Outcome.of(code, ctx.cancellation().isCancelled());
        if (outcome.equals("interrupted") && job.takesRepositoryLock()) {
            repositoryJobInterrupted = true;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("trigger", trigger);
        figures.put("exit_code", code);
        figures.put("duration_s", seconds);
        if (subset != null) {
            figures.put("read_data_subset", subset);
        }
        if (outcome.equals("ok")) {
            error = null;
        } else if (outcome.equals("interrupted")) {
            error = "interrupted by signal";
        }
        ctx.history().append(new RunRecord(name, null, start, end, outcome, null, figures,
                error == null || error.isBlank() ? null : error));
        ctx.auditLog().record("daemon-" + name, outcome, String.format(Locale.ROOT, "trigger=%s exit=%d duration_s=%.1f%s",
                trigger, code, seconds, subset == null ? "" : " subset=" + subset));
        LOG.info("job {}: {} (exit {}) in {} s", name, outcome, code, seconds);
        // only a clean check moves on: a failed one (damage, unreachable remote) reads the same subset again
        if (subset != null && code == ExitCode.OK && !outcome.equals("interrupted")) {
            if (fleetRotation) {
                int done = Integer.parseInt(subset.substring(0, subset.indexOf('/')));
                safely("fleet check rotation", () -> LOG.info("fleet check rotation: next subset {}", ctx.fleet()
                        .advanceCheckRotation(done, config.checkSubsets(), config.host(), ctx.clock().instant()).subset()));
            } else {
                safely("check rotation", () -> {
                    try {
                        rotation.advance(config.checkSubsets());
                    } catch (IOException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                });
            }
        }
        if ((job == Job.BACKUP || job == Job.QUOTA) && !ctx.cancellation().isCancelled()) {
            checkFreshness();
        }
        if (job == Job.BOOT_DRILL || job == Job.BACKUP) {
            checkBootDrills();
        }
        writeMetrics();
        return outcome;
    }

    /**
     * Sources with a {@code boot-drill:} block: the last passed boot drill must be younger than
     * its {@code max-age} once boot drills have run for it (a fresh install is not stale yet).
     */
    private void checkBootDrills() {
        List<RunRecord> records = ctx.history().all();
        Instant now = ctx.clock().instant();
        AlertPolicy policy = new AlertPolicy(ctx.alerts());
        for (SourceConfig s : ctx.config().sources()) {
            if (s.bootDrill() == null || !s.bootDrill().enabledOrDefault()) {
                continue;
            }
            RunRecord passed = Metrics.last(records, "boot-drill", s.name(), true);
            RunRecord any = Metrics.last(records, "boot-drill", s.name(), false);
            if (any == null) {
                continue;
            }
            Duration maxAge = s.bootDrill().maxAgeDuration();
            Instant last = passed == null ? null : passed.end();
            boolean stale = last == null || Duration.between(last, now).compareTo(maxAge) > 0;
            safely("alerts", () -> policy.bootDrillFreshness(s.name(), last, stale, maxAge));
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
            AlertPolicy policy = new AlertPolicy(ctx.alerts());
            safely("alerts", () -> {
                ages.forEach(a -> policy.freshness(a.source(), a.newestSnapshotTime(), a.stale(), staleAfter));
                policy.repositoryReadable(null);
            });
        } catch (CfsException e) {
            if (ctx.cancellation().isCancelled()) {
                // stopping: restic got SIGINT, which says nothing about the repository
                return;
            }
            LOG.warn("freshness: cannot list snapshots: {}", e.getMessage());
            safely("alerts", () -> new AlertPolicy(ctx.alerts()).repositoryReadable(e.getMessage()));
        }
        writeMetrics();
    }

    private void writeMetrics() {
        Path file = ctx.config().metricsFile();
        if (file == null) {
            return;
        }
        try {
            new Metrics(file).write(ctx.config().sources().stream().map(SourceConfig::name).toList(), Job.words(),
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
    public static final class QuartzJob implements org.quartz.Job {
        private final Daemon daemon;

        QuartzJob(Daemon daemon) {
            this.daemon = daemon;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String trigger = context.isRecovering() ? "recovery" : context.getMergedJobDataMap().getString(TRIGGER_KEY);
            boolean fleet;
            try {
                fleet = daemon.fleetScheduler != null
                        && context.getScheduler().getSchedulerName().equals(daemon.fleetScheduler.getSchedulerName());
            } catch (SchedulerException e) {
                fleet = false;
            }
            try {
                daemon.runJob(context.getJobDetail().getKey().getName(), trigger == null ? "schedule" : trigger,
                        fleet ? context : null, fleet ? null : context);
            } catch (RuntimeException e) {
                LOG.error("job {} failed: {}", context.getJobDetail().getKey().getName(), e.toString());
            }
        }
    }
}
