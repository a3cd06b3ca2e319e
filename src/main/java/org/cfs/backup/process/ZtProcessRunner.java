package org.cfs.backup.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.cfs.backup.CfsException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.ExecuteStreamHandler;

/**
 * The real {@link ProcessRunner}, on zt-exec. Cancellation and time-outs stop a child with SIGINT
 * and escalate only after a grace period; zt-exec's own exception texts (which include the
 * environment) never leave this class.
 */
public final class ZtProcessRunner implements ProcessRunner {
    /** Stdout captured into a String is capped so that a runaway child cannot exhaust the heap. */
    static final int MAX_CAPTURE_CHARS = 64 * 1024 * 1024;
    static final int STDERR_TAIL_CHARS = 4096;

    private final Cancellation cancellation;
    private final Duration interruptGrace;

    public ZtProcessRunner(Cancellation cancellation, Duration interruptGrace) {
        this.cancellation = cancellation;
        this.interruptGrace = interruptGrace;
    }

    public ZtProcessRunner(Cancellation cancellation) {
        this(cancellation, Duration.ofSeconds(20));
    }

    @Override
    public ProcessResult run(ProcessSpec spec) {
        Streams streams = new Streams(spec);
        ProcessExecutor executor = new ProcessExecutor()
                .command(diesWithUs(spec.command()))
                .environment(spec.environment())
                .exitValueAny()
                .redirectErrorStream(false) // zt-exec merges stderr into stdout by default
                .streams(streams);
        if (spec.directory() != null) {
            executor.directory(spec.directory().toFile());
        }
        long start = System.nanoTime();
        StartedProcess started;
        try {
            started = executor.start();
        } catch (IOException e) {
            throw new ProcessException("cannot start " + spec.program() + ": " + rootReason(e), null);
        }
        Process process = started.getProcess();
        if (spec.onStart() != null) {
            spec.onStart().accept(process);
        }
        if (!spec.survivesCancel()) {
            cancellation.register(process);
        }
        boolean cancelled = false;
        try {
            int exit;
            try {
                exit = waitFor(started, spec.timeout());
            } catch (TimeoutException e) {
                Signals.stop(process, interruptGrace.toMillis());
                throw new ProcessException(spec.program() + " timed out after " + spec.timeout().toSeconds()
                        + " s and was stopped with SIGINT", null);
            } catch (InterruptedException e) {
                // The calling thread was interrupted (a Quartz job being stopped): treat as a cancel.
                Signals.stop(process, interruptGrace.toMillis());
                Thread.currentThread().interrupt();
                throw new CancelledException();
            }
            cancelled = cancellation.isCancelled() && !spec.survivesCancel();
            String stdout = streams.captured();
            Throwable streamError = streams.error.get();
            if (streamError instanceof CfsException ce) {
                throw ce;
            }
            if (streamError != null && !cancelled) {
                throw new ProcessException("reading the output of " + spec.program() + " failed: "
                        + streamError.getClass().getSimpleName() + ": " + streamError.getMessage(), streamError);
            }
            return new ProcessResult(exit, stdout, streams.stderrTail.toString(),
                    Duration.ofNanos(System.nanoTime() - start), cancelled);
        } finally {
            cancellation.unregister(process);
        }
    }

    /** Perl, part of every Debian (perl-base is Essential): the one-line step that sets the death signal. */
    static final java.nio.file.Path PERL = java.nio.file.Path.of("/usr/bin/perl");

    /** prctl's syscall number on the architectures that have one here; -1 elsewhere. */
    static final int PRCTL = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 157;
        case "aarch64", "arm64" -> 167;
        default -> -1;
    };

    /**
     * prctl(PR_SET_PDEATHSIG, SIGINT), then exec: the child gets SIGINT when cfs-backup dies (even
     * by kill -9), so that no orphaned restic writes on into a staging folder or keeps its lock;
     * SIGINT lets restic remove its lock. A parent that died before the prctl is caught by getppid.
     */
    static final String DEATH_SIGNAL = "my $p = shift; syscall(" + PRCTL + ", 1, 2); exit 130 if getppid() != $p; "
            + "exec { $ARGV[0] } @ARGV; print STDERR \"cannot run $ARGV[0]: $!\\n\"; exit 127";

    /**
     * The command wrapped in the death-signal step, when Perl is there and the program exists (a
     * missing program keeps Java's own "cannot start" error).
     */
    static List<String> diesWithUs(List<String> command) {
        if (PRCTL < 0 || !java.nio.file.Files.isExecutable(PERL) || !resolvable(command.get(0))) {
            return command;
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(PERL.toString(), "-e", DEATH_SIGNAL,
                Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(command);
        return cmd;
    }

    private static boolean resolvable(String program) {
        if (program.contains("/")) {
            return java.nio.file.Files.isExecutable(java.nio.file.Path.of(program));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private int waitFor(StartedProcess started, Duration timeout)
            throws InterruptedException, TimeoutException {
        try {
            if (timeout == null) {
                return started.getFuture().get().getExitValue();
            }
            return started.getFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS).getExitValue();
        } catch (ExecutionException e) {
            throw new ProcessException("waiting for a child failed: " + rootReason(e), null);
        }
    }

    private static String rootReason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        // java.io.IOException: Cannot run program "x": error=2, No such file or directory
        int i = m.indexOf("error=");
        return i >= 0 ? m.substring(i) : t.getClass().getSimpleName();
    }

    /** Pumps the three standard streams of one child on threads of their own. */
    private static final class Streams implements ExecuteStreamHandler {
        private final ProcessSpec spec;
        private OutputStream childIn;
        private InputStream childOut;
        private InputStream childErr;
        private Thread inThread;
        private Thread outThread;
        private Thread errThread;
        private final StringBuilder capture = new StringBuilder();
        private boolean captureTruncated;
        final TailBuffer stderrTail = new TailBuffer(STDERR_TAIL_CHARS);
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Streams(ProcessSpec spec) {
            this.spec = spec;
        }

        @Override
        public void setProcessInputStream(OutputStream os) {
            childIn = os;
        }

        @Override
        public void setProcessErrorStream(InputStream is) {
            childErr = is;
        }

        @Override
        public void setProcessOutputStream(InputStream is) {
            childOut = is;
        }

        @Override
        public void start() {
            String name = spec.program();
            inThread = thread(name + "-stdin", this::pumpStdin);
            outThread = thread(name + "-stdout", this::readStdout);
            errThread = thread(name + "-stderr", this::readStderr);
        }

        private Thread thread(String name, ThrowingRunnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void pumpStdin() throws IOException {
            try (OutputStream out = childIn) {
                if (spec.stdin() != null) {
                    try {
                        spec.stdin().transferTo(out);
                    } catch (IOException e) {
                        // the child closed its stdin early (it failed): drain our source so the
                        // producer upstream is not blocked forever, and let the exit code speak
                        spec.stdin().transferTo(OutputStream.nullOutputStream());
                    }
                }
            }
        }

        private void readStdout() throws IOException {
            try (InputStream in = childOut) {
                if (spec.stdoutStream() != null) {
                    try {
                        spec.stdoutStream().accept(in);
                    } finally {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    return;
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 65536);
                String line;
                while ((line = r.readLine()) != null) {
                    if (spec.stdoutLines() != null) {
                        spec.stdoutLines().accept(line);
                    }
                    if (spec.captureStdout()) {
                        if (capture.length() + line.length() < MAX_CAPTURE_CHARS) {
                            capture.append(line).append('\n');
                        } else {
                            captureTruncated = true;
                        }
                    }
                }
            }
        }

        private void readStderr() throws IOException {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(childErr, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    stderrTail.add(line);
                    if (spec.stderrLines() != null) {
                        spec.stderrLines().accept(line);
                    }
                }
            }
        }

        String captured() {
            if (captureTruncated) {
                error.compareAndSet(null, new IOException("stdout exceeded " + MAX_CAPTURE_CHARS + " characters"));
            }
            return capture.toString();
        }

        @Override
        public void stop() {
            join(outThread);
            join(errThread);
            if (inThread != null && inThread.isAlive()) {
                try {
                    inThread.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static void join(Thread t) {
            if (t == null) {
                return;
            }
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
