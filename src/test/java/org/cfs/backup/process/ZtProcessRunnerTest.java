package org.cfs.backup.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real runner against small scripts that fail, hang, chatter and ignore signals. */
class ZtProcessRunnerTest {
    private static final String SCRIPTS = Path.of("src/test/scripts").toAbsolutePath().toString();

    @TempDir
    Path tmp;

    private final Cancellation cancellation = new Cancellation();
    private final ZtProcessRunner runner = new ZtProcessRunner(cancellation, Duration.ofMillis(1500));

    @Test
    void nonZeroExitIsAResultNotAnException() {
        ProcessResult r = runner.run(ProcessSpec.of(SCRIPTS + "/exit-code.sh", "7").build());
        assertEquals(7, r.exitCode());
        assertEquals("out line\n", r.stdout());
        assertEquals("err line", r.stderrTail());
        assertFalse(r.cancelled());
    }

    @Test
    void missingProgramNamesOnlyTheProgramNeverTheEnvironment() {
        ProcessException e = assertThrows(ProcessException.class, () -> runner.run(
                ProcessSpec.of("/nonexistent/restic", "snapshots").env("RCLONE_CONFIG_PASS", "s3cr3t-value").build()));
        assertTrue(e.getMessage().contains("cannot start restic"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-value"));
        // the whole chain as -v would print it (causes, suppressed, messages), not just the top message
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        assertFalse(trace.toString().contains("s3cr3t-value"), trace.toString());
        assertTrue(trace.toString().contains("cannot start restic"), "the trace was really written");
    }

    @Test
    void timeoutStopsAHangingChildWithSigint() throws Exception {
        Path marker = tmp.resolve("marker");
        ProcessException e = assertThrows(ProcessException.class, () -> runner.run(
                ProcessSpec.of(SCRIPTS + "/hang.sh", marker.toString()).timeout(Duration.ofMillis(500)).build()));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals("interrupted", Files.readString(marker).strip(), "the child saw SIGINT, not SIGTERM/SIGKILL");
    }

    @Test
    void cancellationSendsSigintAndMarksTheResult() throws Exception {
        Path marker = tmp.resolve("marker");
        CompletableFuture<ProcessResult> f = CompletableFuture.supplyAsync(() -> runner.run(
                ProcessSpec.of(SCRIPTS + "/hang.sh", marker.toString()).stdoutLines(line -> cancellation.cancel()).build()));
        ProcessResult r = f.get(10, TimeUnit.SECONDS);
        assertTrue(r.cancelled());
        assertEquals(130, r.exitCode());
        assertEquals("interrupted", Files.readString(marker).strip());
    }

    @Test
    void cleanupStepsSurviveACancel() {
        cancellation.cancel();
        ProcessResult r = runner.run(ProcessSpec.of(SCRIPTS + "/exit-code.sh", "0").survivesCancel().build());
        assertEquals(0, r.exitCode());
        assertFalse(r.cancelled());
    }

    @Test
    void childIgnoringSignalsIsEscalatedToKill() {
        long t0 = System.nanoTime();
        assertThrows(ProcessException.class, () -> runner.run(
                ProcessSpec.of(SCRIPTS + "/ignore-signals.sh").timeout(Duration.ofMillis(300)).build()));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(s < 15, "escalation finished in " + s + " s");
    }

    @Test
    void chattyChildIsReadFullyAndStderrTailIsCapped() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ProcessResult r = runner.run(ProcessSpec.of(SCRIPTS + "/chatty.sh", "20000").stdoutLines(lines::add).build());
        assertEquals(0, r.exitCode());
        assertEquals(20000, lines.size());
        assertEquals("stdout line 19999", lines.get(19999));
        assertTrue(r.stderrTail().length() <= ZtProcessRunner.STDERR_TAIL_CHARS, "tail " + r.stderrTail().length());
        assertTrue(r.stderrTail().endsWith("stderr line 19999"));
    }

    @Test
    void stdinIsPumpedAndStdoutCanBeStreamed() {
        byte[] data = new byte[3_000_000];
        ProcessResult r = runner.run(ProcessSpec.of(SCRIPTS + "/cat-stdin.sh").stdin(new ByteArrayInputStream(data)).build());
        assertEquals("3000000", r.stderrTail().strip());
        long[] seen = new long[1];
        ProcessResult r2 = runner.run(ProcessSpec.of("head", "-c", "1234567", "/dev/zero")
                .stdoutStream(in -> seen[0] = in.transferTo(java.io.OutputStream.nullOutputStream())).build());
        assertEquals(0, r2.exitCode());
        assertEquals(1234567, seen[0]);
    }

    @Test
    void specToStringLeavesTheEnvironmentOut() {
        ProcessSpec s = ProcessSpec.of("restic", "snapshots").env("RCLONE_CONFIG_PASS", "hunter2").build();
        assertFalse(s.toString().contains("hunter2"));
    }

    // ---- issue 10: the same contract on zt-exec's pumps, time-out and stopper ----

    @Test
    void linesAreCutAsReadLineCutsThemEmptyLinesAndCrLfIncluded() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ProcessResult r = runner.run(ProcessSpec.of("printf", "a\\n\\nb\\r\\nc\\rd\\n\\u00e9t\\u00e9").stdoutLines(lines::add)
                .build());
        assertEquals(List.of("a", "", "b", "c", "d", "\u00e9t\u00e9"), lines);
        assertEquals("a\n\nb\nc\nd\n\u00e9t\u00e9\n", r.stdout());
    }

    @Test
    void aConsumerThatGivesUpStopsTheChildAndItsExceptionReachesTheCaller() {
        long t0 = System.nanoTime();
        org.cfs.backup.CfsException e = assertThrows(org.cfs.backup.CfsException.class, () -> runner.run(
                ProcessSpec.of("yes", "line").captureStdout(false).stdoutLines(line -> {
                    throw org.cfs.backup.CfsException.failed("page full");
                }).build()));
        assertEquals("page full", e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "yes(1) saw the closed pipe and ended");
    }

    @Test
    void aChildThatIgnoresItsStdinDoesNotBlockTheProducer() {
        long[] read = new long[1];
        java.io.InputStream source = new java.io.InputStream() {
            private long left = 50_000_000;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                left -= n;
                read[0] += n;
                return n;
            }
        };
        ProcessResult r = runner.run(ProcessSpec.of(SCRIPTS + "/exit-code.sh", "4").stdin(source).build());
        assertEquals(4, r.exitCode());
        assertEquals(50_000_000, read[0], "the source was drained, so an upstream writer is never stuck");
    }

    @Test
    void interruptingTheCallingThreadStopsTheChildWithSigintPromptly() throws Exception {
        Path marker = tmp.resolve("marker");
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try {
                runner.run(ProcessSpec.of(SCRIPTS + "/hang.sh", marker.toString()).stdoutLines(l -> started.countDown())
                        .build());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        caller.interrupt();
        caller.join(10_000);
        assertFalse(caller.isAlive());
        assertTrue(thrown.get() instanceof CancelledException, String.valueOf(thrown.get()));
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
        assertEquals("interrupted", Files.readString(marker).strip(), "SIGINT, not SIGTERM/SIGKILL");
    }
}
