package org.cfs.backup.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Copies a download from restic's stdout to the client with slack between the two: a reader
 * thread keeps draining restic's pipe into up to {@code chunks} buffers while the calling thread
 * writes them to the socket. Without it, restic stops whenever its 1 MiB pipe is full and the one
 * copying thread waits on the socket (the client not scheduled yet, on a loaded machine), which
 * {@code restic dump > /dev/null} never does. Buffers are made only when the writer falls behind,
 * so a download that keeps up holds one or two.
 *
 * <p>The bytes pass through the JVM without a copy of their own (issue 17, third pass): the
 * buffers are direct, read straight from the pipe when it is given as a channel
 * ({@link ChildPipe}), and handed whole to Jetty's {@link HttpOutput#write(ByteBuffer)}, which
 * writes them to the socket as they are. The stream path (a heap {@code byte[]} per read, Jetty
 * cutting each write into 32 KiB heap writes that the JDK copies again into a direct buffer) cost
 * twice the CPU. The direct buffers are kept for the next download (at most {@link #MAX_DIRECT}
 * exist, all downloads together, so memory stays bounded: a download that finds none left works
 * with its own heap buffer).
 */
final class Relay {
    static final int CHUNK = 1024 * 1024;
    /** At most this much waits between restic and the client per download (the console's heap is 128 MiB). */
    static final int CHUNKS = Integer.getInteger("cfs.web.download-chunks", 16);
    /** Direct buffers that may exist at once, for all downloads together; the spare ones wait for the next download. */
    static final int MAX_DIRECT = Math.max(1, Integer.getInteger("cfs.web.download-direct-buffers", CHUNKS));

    /** Spare direct buffers kept between downloads; more are freed at once (an idle console stays small). */
    static final int RETAIN = Math.min(MAX_DIRECT, Integer.getInteger("cfs.web.download-spare-buffers", 4));

    private static final ConcurrentLinkedQueue<ByteBuffer> SPARE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger DIRECT = new AtomicInteger();

    private record Piece(ByteBuffer buf, IOException error) {
    }

    private static final Piece END = new Piece(null, null);

    private Relay() {
    }

    /** As {@link #copy(InputStream, ReadableByteChannel, OutputStream, long[])} with no channel: all from {@code in}. */
    static long copy(InputStream in, OutputStream out, long[] sent) throws IOException {
        return copy(in, null, out, sent);
    }

    /**
     * Copies restic's stdout to {@code out} until its end. When writing fails (the client went
     * away), {@code in} and {@code pipe} are closed, so that restic stops at its next write.
     *
     * @param in   restic's stdout as the JDK gives it
     * @param pipe the same pipe opened a second time as a channel ({@link ChildPipe#open}), read
     *             while holding {@code in}'s lock, or null to read {@code in} alone. When restic
     *             exits the JDK moves what is left in the pipe into {@code in} (under that lock),
     *             so once the channel ends, the rest of {@code in} follows: the bytes stay in order
     * @param sent {@code sent[0]}: the bytes written so far; {@code sent[1]}, when there is one: the
     *             bytes that came through {@code in} (for tests)
     * @return the bytes written
     */
    static long copy(InputStream in, ReadableByteChannel pipe, OutputStream out, long[] sent) throws IOException {
        BlockingQueue<Piece> full = new ArrayBlockingQueue<>(CHUNKS + 1);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS);
        List<ByteBuffer> made = new ArrayList<>(); // the reader's alone until it has ended
        Thread reader = new Thread(() -> {
            Source src = new Source(in, pipe, sent.length > 1 ? sent : null);
            try {
                while (true) {
                    ByteBuffer b = free.poll();
                    if (b == null) {
                        b = made.size() < CHUNKS ? take(made) : null;
                        if (b == null) {
                            b = free.take();
                        }
                    }
                    b.clear();
                    if (src.fill(b) < 0) {
                        full.put(END);
                        return;
                    }
                    b.flip();
                    full.put(new Piece(b, null));
                }
            } catch (IOException e) {
                full.offer(new Piece(null, e));
            } catch (InterruptedException e) {
                // the writer gave up: nothing more to hand over
            }
        }, "cfs-web-download-reader");
        reader.setDaemon(true);
        reader.start();
        boolean ended = false;
        try {
            Sink sink = new Sink(out);
            while (true) {
                Piece p;
                try {
                    p = full.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("download interrupted");
                }
                if (p == END) {
                    break;
                }
                if (p.error() != null) {
                    throw p.error();
                }
                int n = p.buf().remaining();
                sink.write(p.buf());
                sent[0] += n;
                free.offer(p.buf());
            }
            ended = true;
            out.flush();
            return sent[0];
        } catch (IOException | RuntimeException e) {
            reader.interrupt();
            in.close(); // restic stops at its next write instead of dumping into nothing
            if (pipe != null) {
                pipe.close(); // the second reader of its pipe too
            }
            throw e;
        } finally {
            giveBack(reader, made, ended);
        }
    }

    /** A buffer for a download that has made {@code made} so far: a spare or a new direct one, else on the heap, else null (wait). */
    private static ByteBuffer take(List<ByteBuffer> made) {
        ByteBuffer b = SPARE.poll();
        if (b == null && DIRECT.incrementAndGet() <= MAX_DIRECT) {
            try {
                b = ByteBuffer.allocateDirect(CHUNK);
            } catch (OutOfMemoryError e) {
                DIRECT.decrementAndGet(); // -XX:MaxDirectMemorySize reached
            }
        } else if (b == null) {
            DIRECT.decrementAndGet();
        }
        if (b == null) {
            if (!made.isEmpty()) {
                return null; // wait for one of its own to come back
            }
            b = ByteBuffer.allocate(CHUNK); // every download gets going, even when all direct buffers are out
        }
        made.add(b);
        return b;
    }

    /** The download's direct buffers go back for the next one, once its reader can no longer touch them. */
    private static void giveBack(Thread reader, List<ByteBuffer> made, boolean ended) {
        try {
            reader.join(ended ? 0 : 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean stopped = !reader.isAlive();
        for (ByteBuffer b : stopped ? made : List.<ByteBuffer>of()) {
            if (!b.isDirect()) {
                continue;
            }
            if (SPARE.size() < RETAIN) {
                SPARE.offer(b);
            } else {
                // nobody holds it any more (the reader has ended, the writes are done): its memory goes now,
                // not whenever a garbage collection happens to run
                DIRECT.decrementAndGet();
                free(b);
            }
        }
        if (!stopped) {
            // still blocked in a read: its buffers are left to the garbage collector, and no longer counted
            DIRECT.addAndGet(-(int) made.stream().filter(ByteBuffer::isDirect).count());
        }
    }

    private static final java.lang.invoke.MethodHandle CLEANER = cleaner();

    /** sun.misc.Unsafe.invokeCleaner (module jdk.unsupported): frees a direct buffer's memory at once; null when not there. */
    private static java.lang.invoke.MethodHandle cleaner() {
        try {
            Class<?> u = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = u.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return java.lang.invoke.MethodHandles.lookup()
                    .findVirtual(u, "invokeCleaner", java.lang.invoke.MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(f.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void free(ByteBuffer b) {
        if (CLEANER == null) {
            return; // left to the garbage collector
        }
        try {
            CLEANER.invokeExact(b);
        } catch (Throwable e) {
            // left to the garbage collector
        }
    }

    /** Direct buffers in existence (spare or in use), for tests. */
    static int directBuffers() {
        return DIRECT.get();
    }

    /** Reads restic's stdout into a buffer: from the channel while it lasts, then from the stream. */
    private static final class Source {
        private final InputStream in;
        private ReadableByteChannel pipe;
        private final long[] counts;
        private byte[] scratch;

        Source(InputStream in, ReadableByteChannel pipe, long[] counts) {
            this.in = in;
            this.pipe = pipe;
            this.counts = counts;
        }

        /** Fills part of {@code b} (at least one byte); -1 at the end of the stream. */
        int fill(ByteBuffer b) throws IOException {
            if (pipe != null) {
                int k;
                // the JDK's process reaper drains the pipe into `in` under this lock when restic exits:
                // never in the middle of a read here, so no byte is taken out of order
                synchronized (in) {
                    k = pipe.read(b);
                }
                if (k > 0) {
                    return k;
                }
                if (k < 0) {
                    pipe.close();
                    pipe = null; // the end of the channel: what the reaper drained (if anything) is in `in`
                }
            }
            if (scratch == null) {
                scratch = new byte[Math.min(CHUNK, b.capacity())];
            }
            int k = in.read(scratch, 0, Math.min(scratch.length, b.remaining()));
            if (k > 0) {
                b.put(scratch, 0, k);
                if (counts != null) {
                    counts[1] += k;
                }
            }
            return k;
        }
    }

    /** Writes a buffer to the response: whole, as it is, through Jetty; or through a byte[] to any other stream (tests). */
    private static final class Sink {
        private final OutputStream out;
        private final HttpOutput jetty;
        private byte[] scratch;

        Sink(OutputStream out) {
            this.out = out;
            this.jetty = out instanceof HttpOutput h ? h : null;
        }

        void write(ByteBuffer b) throws IOException {
            if (jetty != null) {
                jetty.write(b);
                return;
            }
            int n = b.remaining();
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), n);
                return;
            }
            if (scratch == null || scratch.length < n) {
                scratch = new byte[Math.max(n, CHUNK)];
            }
            b.get(scratch, 0, n);
            out.write(scratch, 0, n);
        }
    }
}
