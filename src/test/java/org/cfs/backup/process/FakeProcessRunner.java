package org.cfs.backup.process;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hand-written fake runner for parser and edge-case tests: replays recorded stdout/stderr and
 * exit codes, feeding line consumers as the real runner does, and remembers every spec it got.
 */
public final class FakeProcessRunner implements ProcessRunner {
    private record Reply(Predicate<List<String>> matches, int exit, String stdout, String stderr) {
    }

    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<ProcessSpec> calls = new ArrayList<>();

    /** Answers the next command that contains {@code word} among its arguments. */
    public FakeProcessRunner on(String word, int exit, String stdout, String stderr) {
        replies.add(new Reply(cmd -> cmd.contains(word), exit, stdout, stderr));
        return this;
    }

    public static String resource(String name) {
        try {
            return Files.readString(Path.of("src/test/resources", name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<ProcessSpec> calls() {
        return calls;
    }

    @Override
    public ProcessResult run(ProcessSpec spec) {
        calls.add(spec);
        Reply reply = null;
        for (Reply r : replies) {
            if (r.matches().test(spec.command())) {
                reply = r;
                break;
            }
        }
        if (reply == null) {
            throw new AssertionError("unexpected command " + spec.command());
        }
        replies.remove(reply);
        try {
            if (spec.stdin() != null) {
                spec.stdin().transferTo(java.io.OutputStream.nullOutputStream());
            }
            if (spec.stdoutStream() != null) {
                spec.stdoutStream().accept(new ByteArrayInputStream(reply.stdout().getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder captured = new StringBuilder();
        if (spec.stdoutStream() == null) {
            for (String line : reply.stdout().split("\n", -1)) {
                if (line.isEmpty()) {
                    continue;
                }
                if (spec.stdoutLines() != null) {
                    spec.stdoutLines().accept(line);
                }
                captured.append(line).append('\n');
            }
        }
        TailBuffer tail = new TailBuffer(4096);
        for (String line : reply.stderr().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            tail.add(line);
            if (spec.stderrLines() != null) {
                spec.stderrLines().accept(line);
            }
        }
        return new ProcessResult(reply.exit(), spec.captureStdout() ? captured.toString() : "", tail.toString(),
                Duration.ZERO, false);
    }
}
