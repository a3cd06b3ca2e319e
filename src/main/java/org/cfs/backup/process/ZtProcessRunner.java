package org.cfs.backup.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.cfs.backup.CfsException;
import org.zeroturnaround.exec.MessageLoggers;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.listener.ProcessListener;
import org.zeroturnaround.exec.stream.PumpStreamHandler;
import org.zeroturnaround.exec.stream.StreamPumper;

/**
 * The real {@link ProcessRunner}, on zt-exec: its {@link ProcessExecutor} pumps the three streams
 * ({@link PumpStreamHandler}), enforces the time-out ({@link ProcessExecutor#timeout}) and stops
 * the child on a time-out or an interrupt through its {@link ProcessExecutor#stopper stopper},
 * which here sends SIGINT and escalates only after a grace period ({@link Signals#stop}). What is
 * ours: lines cut as UTF-8 ({@link LineSink}), a capped stdout capture and stderr tail, a raw
 * stdout stream for tar readers, and the cancel registry. zt-exec's own exception and log texts
 * (which include the environment) never leave this class. {@code -v} logs each child here
 * ({@link CommandLog}). Not used, on purpose: {@code destroyOnExit()} (its shutdown hook would send
 * SIGTERM, which kills restic 0.14 without removing its lock, while the cancel is still stopping
 * children with SIGINT; the death signal set by {@link #diesWithUs} covers a dying JVM) and
 * {@code readOutput(true)} (an uncapped copy of stdout: the capture here stops at
 * {@link #MAX_CAPTURE_CHARS}).
 */
public final class ZtProcessRunner implements ProcessRunner {
    /** Stdout captured into a String is capped so that a runaway child cannot exhaust the heap. */
    static final int MAX_CAPTURE_CHARS = 64 * 1024 * 1024;
    static final int STDERR_TAIL_CHARS = 4096;
    static final int PUMP_BUFFER = 64 * 1024;

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
        Pumps pumps = new Pumps(spec);
        AtomicReference<Process> child = new AtomicReference<>();
        ProcessExecutor executor = new ProcessExecutor()
                .command(diesWithUs(spec.command()))
                .environment(spec.environment())
                .exitValueAny()
                .redirectErrorStream(false) // zt-exec merges stderr into stdout by default
                .streams(pumps)
                .stopper(p -> Signals.stop(p, interruptGrace.toMillis()))
                .setMessageLogger(MessageLoggers.NOP) // its "Executing ... with environment {...}" line
                .addListener(new ProcessListener() {
                    @Override
                    public void afterStart(Process process, ProcessExecutor executor) {
                        child.set(process);
                        if (spec.onStart() != null) {
                            spec.onStart().accept(process);
                        }
                        if (!spec.survivesCancel()) {
                            cancellation.register(process);
                        }
                    }

                    @Override
                    public void afterStop(Process process) {
                        cancellation.unregister(process);
                    }
                });
        if (spec.directory() != null) {
            executor.directory(spec.directory().toFile());
        }
        if (spec.timeout() != null) {
            executor.timeout(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        CommandLog.started(spec);
        long start = System.nanoTime();
        int exit;
        try {
            exit = executor.execute().getExitValue();
        } catch (IOException | IllegalArgumentException e) {
            if (child.get() == null) {
                CommandLog.ended(spec, "did not start", elapsed(start));
                throw new ProcessException("cannot start " + spec.program() + ": " + rootReason(e), null);
            }
            throw new ProcessException("closing the streams of " + spec.program() + " failed: " + rootReason(e), null);
        } catch (TimeoutException e) {
            // zt-exec stops the child on its waiting thread; be sure it has ended before saying so
            awaitStopped(child.get());
            CommandLog.ended(spec, "timed out", elapsed(start));
            throw new ProcessException(spec.program() + " timed out after " + spec.timeout().toSeconds()
                    + " s and was stopped with SIGINT", null);
        } catch (InterruptedException e) {
            // The calling thread was interrupted (a Quartz job being stopped): zt-exec's stopper ran; a cancel.
            awaitStopped(child.get());
            CommandLog.ended(spec, "interrupted", elapsed(start));
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } finally {
            Process p = child.get();
            if (p != null) {
                cancellation.unregister(p);
            }
        }
        boolean cancelled = cancellation.isCancelled() && !spec.survivesCancel();
        Duration elapsed = elapsed(start);
        CommandLog.ended(spec, "exit " + exit + (cancelled ? " (cancelled)" : ""), elapsed);
        String stdout = pumps.captured();
        Throwable streamError = pumps.error.get();
        if (streamError instanceof CfsException ce) {
            throw ce;
        }
        if (streamError != null && !cancelled) {
            throw new ProcessException("reading the output of " + spec.program() + " failed: "
                    + streamError.getClass().getSimpleName() + ": " + streamError.getMessage(), streamError);
        }
        return new ProcessResult(exit, stdout, pumps.stderrTail.toString(), elapsed, cancelled);
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Waits (bounded) for a child that zt-exec's stopper is stopping on another thread. */
    private void awaitStopped(Process p) {
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(interruptGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
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

    /**
     * zt-exec's pump handler with our sinks: stdout to a {@link LineSink} (or, for tar readers, the
     * raw stream to the spec's consumer), stderr to a capped tail, stdin from the spec's stream.
     */
    private static final class Pumps extends PumpStreamHandler {
        private final ProcessSpec spec;
        final AtomicReference<Throwable> error;
        final TailBuffer stderrTail;
        private final StringBuilder capture;
        private final java.util.concurrent.atomic.AtomicBoolean truncated;

        Pumps(ProcessSpec spec) {
            this(spec, new AtomicReference<>(), new TailBuffer(STDERR_TAIL_CHARS), new StringBuilder(),
                    new java.util.concurrent.atomic.AtomicBoolean());
        }

        private Pumps(ProcessSpec spec, AtomicReference<Throwable> error, TailBuffer tail, StringBuilder capture,
                      java.util.concurrent.atomic.AtomicBoolean truncated) {
            super(new LineSink(line -> {
                if (spec.stdoutLines() != null) {
                    spec.stdoutLines().accept(line);
                }
                if (spec.captureStdout()) {
                    synchronized (capture) {
                        if (capture.length() + line.length() < MAX_CAPTURE_CHARS) {
                            capture.append(line).append('\n');
                        } else {
                            truncated.set(true);
                        }
                    }
                }
            }, error), new LineSink(line -> {
                tail.add(line);
                if (spec.stderrLines() != null) {
                    spec.stderrLines().accept(line);
                }
            }, error), spec.stdin());
            this.spec = spec;
            this.error = error;
            this.stderrTail = tail;
            this.capture = capture;
            this.truncated = truncated;
        }

        @Override
        protected void createProcessOutputPump(InputStream is, OutputStream os) {
            if (spec.stdoutStream() == null) {
                ((LineSink) os).source(is);
                super.createProcessOutputPump(is, os);
                return;
            }
            outputThread = newThread(() -> {
                try (is) {
                    try {
                        spec.stdoutStream().accept(is);
                    } finally {
                        is.transferTo(OutputStream.nullOutputStream());
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
        }

        @Override
        protected void createProcessErrorPump(InputStream is, OutputStream os) {
            ((LineSink) os).source(is);
            super.createProcessErrorPump(is, os);
        }

        /** A child that closes its stdin early (it failed) must not block the producer upstream: drain. */
        @Override
        public void setProcessInputStream(OutputStream os) {
            super.setProcessInputStream(input == null ? os : new Forgiving(os));
        }

        /** zt-exec pumps 1 KiB at a time by default: a stdin of gigabytes (a dump into restic) gets 64 KiB. */
        @Override
        protected Thread createPump(InputStream is, OutputStream os, boolean closeWhenExhausted, boolean flush) {
            return newThread(new StreamPumper(is, os, closeWhenExhausted, PUMP_BUFFER, flush));
        }

        @Override
        protected Thread newThread(Runnable task) {
            Thread t = super.newThread(task);
            t.setName(spec.program() + "-pump-" + t.getId());
            return t;
        }

        String captured() {
            synchronized (capture) {
                if (truncated.get()) {
                    error.compareAndSet(null, new IOException("stdout exceeded " + MAX_CAPTURE_CHARS + " characters"));
                }
                return capture.toString();
            }
        }
    }

    /** The child's stdin: once a write fails (the child closed it), later writes are dropped. */
    private static final class Forgiving extends OutputStream {
        private final OutputStream out;
        private boolean broken;

        Forgiving(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (broken) {
                return;
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                broken = true;
            }
        }

        @Override
        public void flush() {
            if (!broken) {
                try {
                    out.flush();
                } catch (IOException e) {
                    broken = true;
                }
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                // already closed by the child's exit
            }
        }
    }
}
