package org.cfs.backup.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.restic.BackupStatus;
import org.cfs.backup.restore.RestoreReport;
import org.cfs.backup.restore.RestoreRequest;
import org.cfs.backup.state.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's actions, run one at a time on a single worker thread in the order they came, each
 * as the CLI runs it (the operation lock included). While another cfs-backup operation holds the
 * lock (a daemon job, a command) a job waits, queued, and tries again every few seconds.
 */
final class JobQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);
    static final Duration BUSY_RETRY = Duration.ofSeconds(3);
    static final Duration BUSY_GIVE_UP = Duration.ofHours(6);
    private static final int KEEP = 100;

    /**
     * Live figures of a running job: a backup's from restic's last status line, a restore's from
     * {@link RestoreProgress} (null where a figure is unknown); {@code phase} names the step.
     */
    record Progress(String source, String phase, double percentDone, long bytesDone, Long totalBytes, Long filesDone,
                    Long totalFiles, Long secondsRemaining) {
    }

    /** What a restore job restores, shown in its view. */
    record RestoreSpec(RestoreRequest request, boolean inPlace, String path, Long fileSize, boolean dump) {
    }

    /** A job as {@code GET /api/jobs/ID} shows it. */
    static final class Job {
        final String id = UUID.randomUUID().toString();
        final String job;
        final List<String> sources;
        final Instant queuedAt = Instant.now();
        volatile String state = "queued";
        volatile Instant startedAt;
        volatile Instant finishedAt;
        volatile Progress progress;
        volatile Object result;
        volatile String error;
        final RestoreSpec restore;

        Job(String job, List<String> sources) {
            this(job, sources, null);
        }

        Job(String job, List<String> sources, RestoreSpec restore) {
            this.job = job;
            this.sources = List.copyOf(sources);
            this.restore = restore;
        }

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("job", job);
            m.put("sources", sources);
            m.put("state", state);
            m.put("queued_at", queuedAt);
            m.put("started_at", startedAt);
            m.put("finished_at", finishedAt);
            m.put("progress", progress);
            m.put("result", result);
            m.put("error", error);
            if (restore != null) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("snapshot", restore.request().snapshot());
                r.put("path", restore.path().isEmpty() ? "/" : restore.path());
                r.put("mode", restore.inPlace() ? "in-place" : "target");
                r.put("target", restore.request().target() == null ? null : restore.request().target().toString());
                m.put("restore", r);
            }
            return m;
        }
    }

    private final WebBackend backend;
    private final AuditLog audit;
    private final ExecutorService worker;
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    JobQueue(WebBackend backend) {
        this.backend = backend;
        this.audit = backend.auditLog();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cfs-web-jobs");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized Job submit(String kind, List<String> sources, String who) {
        return submit(new Job(kind, sources), who, "");
    }

    /** A restore job: one source, checked by the caller (the target guard, the typed confirmation). */
    synchronized Job submitRestore(RestoreSpec spec, String who) {
        return submit(new Job("restore", List.of(spec.request().source()), spec), who, describe(spec));
    }

    static String describe(RestoreSpec spec) {
        RestoreRequest q = spec.request();
        return " snapshot " + q.snapshot() + " path " + (spec.path().isEmpty() ? "/" : spec.path())
                + (spec.inPlace() ? " in place" : " to " + q.target());
    }

    private Job submit(Job j, String who, String detail) {
        String kind = j.job;
        List<String> sources = j.sources;
        jobs.put(j.id, j);
        while (jobs.size() > KEEP) {
            String oldest = jobs.keySet().iterator().next();
            Job o = jobs.get(oldest);
            if (o.finishedAt == null) {
                break;
            }
            jobs.remove(oldest);
        }
        audit.record("web-" + kind, "queued", "job " + j.id + " sources " + label(sources) + detail + " from " + who);
        worker.submit(() -> run(j));
        return j;
    }

    synchronized Job get(String id) {
        return jobs.get(id);
    }

    synchronized List<Job> recent() {
        List<Job> l = new ArrayList<>(jobs.values());
        java.util.Collections.reverse(l);
        return l;
    }

    /** The job running now, if any. */
    synchronized Job running() {
        return jobs.values().stream().filter(j -> "running".equals(j.state)).findFirst().orElse(null);
    }

    private void run(Job j) {
        Instant giveUp = Instant.now().plus(BUSY_GIVE_UP);
        while (true) {
            try {
                j.startedAt = Instant.now();
                j.state = "running";
                if (j.job.equals("backup")) {
                    BackupReport r = backend.backup(j.sources, new ProgressListener() {
                        @Override
                        public void progress(String source, BackupStatus s) {
                            j.progress = new Progress(source, "backing up", s.percentDone(), s.bytesDone(), s.totalBytes(),
                                    s.filesDone(), s.totalFiles(), s.secondsRemaining());
                        }

                        @Override
                        public void done(String source) {
                        }
                    });
                    j.result = r;
                    j.state = r.status();
                } else if (j.job.equals("restore")) {
                    RestoreSpec spec = j.restore;
                    RestoreReport r;
                    try (RestoreProgress p = new RestoreProgress(spec.request().source(), () -> spec.fileSize() != null
                            ? spec.fileSize() : spec.path().isEmpty() ? backend.restoreSize(spec.request().snapshot()) : -1,
                            spec.dump(), pr -> j.progress = pr)) {
                        r = backend.restore(spec.request());
                    }
                    j.result = r;
                    j.state = "ok";
                    j.progress = new Progress(r.source(), "done", 1.0, r.bytesRestored(), r.bytesRestored(),
                            r.filesRestored(), r.filesRestored(), 0L);
                } else {
                    DrillReport r = backend.drill(j.sources);
                    j.result = r;
                    j.state = r.passed() ? "ok" : "failed";
                }
            } catch (CfsException e) {
                if (e.exitCode() == ExitCode.BUSY && Instant.now().isBefore(giveUp)) {
                    j.state = "queued";
                    j.startedAt = null;
                    if (sleep()) {
                        continue;
                    }
                }
                j.state = "failed";
                j.error = e.getMessage();
            } catch (RuntimeException e) {
                LOG.warn("web job {} {} failed", j.job, j.id, e);
                j.state = "failed";
                j.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            j.finishedAt = Instant.now();
            audit.record("web-" + j.job, j.state, "job " + j.id + " sources " + label(j.sources)
                    + (j.restore == null ? "" : describe(j.restore) + restored(j.result))
                    + (j.error == null ? "" : " error: " + j.error));
            return;
        }
    }

    private static boolean sleep() {
        try {
            Thread.sleep(BUSY_RETRY.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String restored(Object result) {
        if (!(result instanceof RestoreReport r)) {
            return "";
        }
        return " files " + r.filesRestored() + " bytes " + r.bytesRestored()
                + (r.preRestoreSnapshotId() == null ? "" : " pre_restore " + r.preRestoreSnapshotId());
    }

    private static String label(List<String> sources) {
        return sources.isEmpty() ? "(all)" : String.join(",", sources);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
