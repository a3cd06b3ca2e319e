package org.cfs.backup.process;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The {@link OutputStream} that zt-exec's pump writes a child's stdout or stderr into: cut into
 * UTF-8 lines as {@link java.io.BufferedReader#readLine} does (CR, LF or CR LF; empty lines kept)
 * and handed to a consumer. Not zt-exec's {@code LogOutputStream}: that one decodes with the
 * platform charset and drops empty lines. A consumer that throws stops the child's stream there
 * (the pipe is closed, as a reader that gives up would do) and its exception is kept for the caller.
 */
final class LineSink extends OutputStream {
    private final Consumer<String> lines;
    private final AtomicReference<Throwable> error;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean afterCr;
    private volatile Closeable source;
    private boolean failed;

    LineSink(Consumer<String> lines, AtomicReference<Throwable> error) {
        this.lines = lines;
        this.error = error;
    }

    /** The child's stream being pumped in here, closed when the consumer fails. */
    void source(Closeable stream) {
        this.source = stream;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (failed) {
            return;
        }
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '\n' || c == '\r') {
                line.write(b, start, i - start);
                start = i + 1;
                if (c == '\n' && afterCr && line.size() == 0) {
                    afterCr = false; // the LF of a CR LF
                    continue;
                }
                afterCr = c == '\r';
                emit();
                if (failed) {
                    return;
                }
            } else {
                afterCr = false;
            }
        }
        line.write(b, start, end - start);
    }

    /** zt-exec flushes once the pump has finished: a last line without a newline is handed on then. */
    @Override
    public void flush() {
        if (!failed && line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String s = line.toString(StandardCharsets.UTF_8);
        line.reset();
        try {
            lines.accept(s);
        } catch (RuntimeException | Error e) {
            failed = true;
            error.compareAndSet(null, e);
            Closeable c = source;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // the child sees a closed pipe either way
                }
            }
        }
    }
}
