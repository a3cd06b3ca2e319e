package org.cfs.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cfs.backup.restic.BackupStatus;
import org.junit.jupiter.api.Test;

/** Issue 11, defect 7: a dead remote is said out loud while restic retries, and bounds the quiesced pass. */
class RemoteWatchTest {
    static final String RETRY = "Save(<data/5f0daae6>) returned error, retrying after 720.25ms: Post "
            + "\"http://127.0.0.1:8000/data/5f0daae6\": dial tcp 127.0.0.1:8000: connect: connection refused";

    private static final class Recording implements ProgressListener {
        final List<Long> seconds = new CopyOnWriteArrayList<>();

        @Override
        public void progress(String source, BackupStatus status) {
        }

        @Override
        public void remoteNotAnswering(String source, long s, String lastError) {
            seconds.add(s);
        }

        @Override
        public void done(String source) {
        }
    }

    @Test
    void retriesAreReportedRepeatedlyAndTheBoundResumesFirstThenInterrupts() throws Exception {
        Recording rec = new Recording();
        AtomicInteger resumed = new AtomicInteger();
        Process restic = new ProcessBuilder("sleep", "30").start();
        try (RemoteWatch w = new RemoteWatch("s", rec, 2, () -> {
            assertTrue(restic.isAlive(), "the containers are resumed before restic is stopped");
            resumed.incrementAndGet();
        }, TimeUnit.MILLISECONDS.toNanos(400))) {
            w.started(restic);
            w.stderrLine("{\"message_type\":\"status\"}");
            Thread.sleep(600);
            assertTrue(rec.seconds.isEmpty(), "nothing to say while the remote answers");
            for (int i = 0; i < 30 && !w.fired(); i++) {
                w.stderrLine(RETRY);
                Thread.sleep(100);
            }
            assertTrue(w.fired());
            assertTrue(restic.waitFor(5, TimeUnit.SECONDS), "restic was interrupted");
            assertEquals(1, resumed.get());
            assertTrue(rec.seconds.size() >= 2, rec.seconds.toString());
            assertTrue(w.lastLine().contains("connection refused"));
        } finally {
            restic.destroyForcibly();
        }
    }

    @Test
    void withoutABoundNothingIsStopped() throws Exception {
        Process restic = new ProcessBuilder("sleep", "30").start();
        try (RemoteWatch w = new RemoteWatch("s", new Recording(), 0, () -> { }, TimeUnit.MILLISECONDS.toNanos(200))) {
            w.started(restic);
            for (int i = 0; i < 15; i++) {
                w.stderrLine(RETRY);
                Thread.sleep(100);
            }
            assertFalse(w.fired());
            assertTrue(restic.isAlive());
        } finally {
            restic.destroyForcibly();
        }
    }
}
