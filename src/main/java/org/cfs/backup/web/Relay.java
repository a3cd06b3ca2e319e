package org.cfs.backup.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Copies a download from restic's stdout to the client with slack between the two: a reader
 * thread keeps draining restic's pipe into up to {@code chunks} buffers while the calling thread
 * writes them to the socket. Without it, restic stops whenever its 1 MiB pipe is full and the one
 * copying thread waits on the socket (the client not scheduled yet, on a loaded machine), which
 * {@code restic dump > /dev/null} never does. Buffers are made only when the writer falls behind,
 * so a download that keeps up holds one or two.
 */
final class Relay {
    static final int CHUNK = 1024 * 1024;
    /** At most this much waits between restic and the client per download (the console's heap is 128 MiB). */
    static final int CHUNKS = Integer.getInteger("cfs.web.download-chunks", 16);

    private record Piece(byte[] buf, int len, IOException error) {
    }

    private static final Piece END = new Piece(null, -1, null);

    private Relay() {
    }

    /**
     * Copies {@code in} to {@code out} until the end of {@code in}. When writing fails (the client
     * went away), {@code in} is closed, so that its writer stops at its next write.
     *
     * @return the bytes written
     */
    static long copy(InputStream in, OutputStream out, long[] sent) throws IOException {
        BlockingQueue<Piece> full = new ArrayBlockingQueue<>(CHUNKS + 1);
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
        int[] made = new int[1];
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    byte[] b = free.poll();
                    if (b == null) {
                        b = made[0] < CHUNKS ? new byte[CHUNK] : free.take();
                        if (made[0] < CHUNKS) {
                            made[0]++;
                        }
                    }
                    int k = in.read(b);
                    if (k < 0) {
                        full.put(END);
                        return;
                    }
                    full.put(new Piece(b, k, null));
                }
            } catch (IOException e) {
                full.offer(new Piece(null, -1, e));
            } catch (InterruptedException e) {
                // the writer gave up: nothing more to hand over
            }
        }, "cfs-web-download-reader");
        reader.setDaemon(true);
        reader.start();
        try {
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
                out.write(p.buf(), 0, p.len());
                sent[0] += p.len();
                free.offer(p.buf());
            }
            out.flush();
            return sent[0];
        } catch (IOException | RuntimeException e) {
            reader.interrupt();
            in.close(); // restic stops at its next write instead of dumping into nothing
            throw e;
        }
    }
}
