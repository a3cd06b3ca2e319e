package org.cfs.backup.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child's stdout pipe opened a second time, as a {@link FileChannel}, through
 * {@code /proc/PID/fd/1}: a channel reads straight into a direct buffer, where the JDK's
 * {@code Process.getInputStream()} reads each chunk into a buffer of its own and copies it into a
 * {@code byte[]}. Used by downloads (issue 17), read by {@link Relay} under the stream's lock.
 * Linux only; anything unexpected (no /proc, not a pipe, the child gone already, a stream the
 * JDK did not make) gives null, and the stream alone is read as before.
 */
final class ChildPipe {
    /** The JDK's stream of a child's stdout: it moves what is left in the pipe into itself, under its own lock, when the child exits. */
    private static final String JDK_PIPE_STREAM = "java.lang.ProcessImpl$ProcessPipeInputStream";

    private ChildPipe() {
    }

    /**
     * @param child the started child, still running
     * @param stdout its stdout as the JDK gave it ({@link Relay} reads the channel holding its lock)
     * @return a channel on the same pipe, or null when it cannot be opened safely
     */
    static FileChannel open(Process child, InputStream stdout) {
        if (child == null || stdout == null || !stdout.getClass().getName().equals(JDK_PIPE_STREAM)) {
            return null;
        }
        try {
            Path fd = Path.of("/proc", Long.toString(child.pid()), "fd", "1");
            if (!child.isAlive()) {
                return null;
            }
            String before = Files.readSymbolicLink(fd).toString();
            if (!before.startsWith("pipe:")) {
                return null;
            }
            FileChannel ch = FileChannel.open(fd, StandardOpenOption.READ);
            // still alive (so not reaped: the pid was not reused by another process) and still the same pipe
            if (!child.isAlive() || !before.equals(Files.readSymbolicLink(fd).toString())) {
                ch.close();
                return null;
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
