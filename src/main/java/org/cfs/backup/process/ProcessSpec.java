package org.cfs.backup.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What to run: the argument list, extra environment, and where stdin comes from and stdout goes.
 * Built apart from running so that tests can assert on it.
 */
public final class ProcessSpec {
    /** Consumes a child's stdout as a raw stream (tar parsing, piping into another child). */
    @FunctionalInterface
    public interface StreamConsumer {
        void accept(InputStream stdout) throws IOException;
    }

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path directory;
    private final InputStream stdin;
    private final StreamConsumer stdoutStream;
    private final Consumer<String> stdoutLines;
    private final Consumer<String> stderrLines;
    private final boolean captureStdout;
    private final Duration timeout;
    private final boolean survivesCancel;
    private final Consumer<Process> onStart;

    private ProcessSpec(Builder b) {
        this.command = List.copyOf(b.command);
        this.environment = Map.copyOf(b.environment);
        this.directory = b.directory;
        this.stdin = b.stdin;
        this.stdoutStream = b.stdoutStream;
        this.stdoutLines = b.stdoutLines;
        this.stderrLines = b.stderrLines;
        this.captureStdout = b.captureStdout;
        this.timeout = b.timeout;
        this.survivesCancel = b.survivesCancel;
        this.onStart = b.onStart;
    }

    /** Told the started child (a watchdog that may have to interrupt it); null when nobody asks. */
    public Consumer<Process> onStart() {
        return onStart;
    }

    public static Builder of(List<String> command) {
        return new Builder(command);
    }

    public static Builder of(String... command) {
        return new Builder(List.of(command));
    }

    public List<String> command() {
        return command;
    }

    /** Extra variables on top of the inherited environment; may hold secrets, so never printed. */
    public Map<String, String> environment() {
        return environment;
    }

    public Path directory() {
        return directory;
    }

    public InputStream stdin() {
        return stdin;
    }

    public StreamConsumer stdoutStream() {
        return stdoutStream;
    }

    public Consumer<String> stdoutLines() {
        return stdoutLines;
    }

    public Consumer<String> stderrLines() {
        return stderrLines;
    }

    public boolean captureStdout() {
        return captureStdout;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Clean-up steps (restarting a container) must run even after a cancel: they get no SIGINT. */
    public boolean survivesCancel() {
        return survivesCancel;
    }

    /** The program name, for messages: never the arguments, which may name private paths. */
    public String program() {
        return command.isEmpty() ? "?" : Path.of(command.get(0)).getFileName().toString();
    }

    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.environment.putAll(environment);
        b.directory = directory;
        b.stdin = stdin;
        b.stdoutStream = stdoutStream;
        b.stdoutLines = stdoutLines;
        b.stderrLines = stderrLines;
        b.captureStdout = captureStdout;
        b.timeout = timeout;
        b.survivesCancel = survivesCancel;
        b.onStart = onStart;
        return b;
    }

    @Override
    public String toString() {
        // The environment is left out on purpose: it may carry RCLONE_CONFIG_PASS.
        return "ProcessSpec" + command;
    }

    /** Fluent builder; unset parts mean: inherit nothing on stdin, capture stdout, no timeout. */
    public static final class Builder {
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path directory;
        private InputStream stdin;
        private StreamConsumer stdoutStream;
        private Consumer<String> stdoutLines;
        private Consumer<String> stderrLines;
        private boolean captureStdout = true;
        private Duration timeout;
        private boolean survivesCancel;
        private Consumer<Process> onStart;

        private Builder(List<String> command) {
            if (command == null || command.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            this.command = List.copyOf(command);
        }

        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public Builder env(Map<String, String> vars) {
            environment.putAll(vars);
            return this;
        }

        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        public Builder stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        /** Hands stdout as a raw stream to the consumer; nothing is captured then. */
        public Builder stdoutStream(StreamConsumer consumer) {
            this.stdoutStream = consumer;
            this.captureStdout = false;
            return this;
        }

        /** Calls the consumer per stdout line as it arrives (captured too unless turned off). */
        public Builder stdoutLines(Consumer<String> consumer) {
            this.stdoutLines = consumer;
            return this;
        }

        public Builder stderrLines(Consumer<String> consumer) {
            this.stderrLines = consumer;
            return this;
        }

        public Builder captureStdout(boolean capture) {
            this.captureStdout = capture;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder onStart(Consumer<Process> listener) {
            this.onStart = listener;
            return this;
        }

        public Builder survivesCancel() {
            this.survivesCancel = true;
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(this);
        }
    }
}
