package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    /** Hands out the bytes in pieces of random length, as a pipe does. */
    static final class Trickle extends InputStream {
        final byte[] data;
        int pos;
        final Random r = new Random(3);
        final AtomicBoolean closed = new AtomicBoolean();

        Trickle(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed.get()) {
                throw new IOException("Stream closed");
            }
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + r.nextInt(300_000)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void everyByteArrivesInOrderThroughASlowWriter() throws Exception {
        byte[] data = new byte[9 * Relay.CHUNK + 12345];
        new Random(5).nextBytes(data);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            int writes;

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (++writes % 3 == 0) {
                    try {
                        Thread.sleep(5); // the client not scheduled: the reader runs ahead
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                got.write(b, off, len);
            }
        };
        long[] sent = new long[1];
        assertEquals(data.length, Relay.copy(new Trickle(data), slow, sent));
        assertEquals(data.length, sent[0]);
        assertArrayEquals(data, got.toByteArray());
    }

    @Test
    void aClientThatGoesAwayClosesTheSource() {
        byte[] data = new byte[20 * Relay.CHUNK];
        Trickle in = new Trickle(data);
        long[] sent = new long[1];
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (sent[0] > 2 * Relay.CHUNK) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        IOException e = assertThrows(IOException.class, () -> Relay.copy(in, broken, sent));
        assertEquals("Broken pipe", e.getMessage());
        assertTrue(in.closed.get(), "restic's pipe is closed, so restic stops");
    }

    @Test
    void aReadFailureReachesTheWriter() {
        InputStream failing = new InputStream() {
            int calls;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (++calls > 2) {
                    throw new IOException("pipe broke");
                }
                return Math.min(len, 1000);
            }
        };
        long[] sent = new long[1];
        IOException e = assertThrows(IOException.class, () -> Relay.copy(failing, OutputStream.nullOutputStream(), sent));
        assertEquals("pipe broke", e.getMessage());
        assertEquals(2000, sent[0]);
    }

    /** An output that is slow now and then (the client not scheduled), so that the pipe fills and the child waits. */
    static OutputStream slowSink(ByteArrayOutputStream got) {
        return new OutputStream() {
            int writes;

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (++writes % 4 == 0) {
                    try {
                        Thread.sleep(3);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                got.write(b, off, len);
            }
        };
    }

    /**
     * A real child's stdout read through its pipe opened again under /proc (the download path),
     * against a writer slow now and then: every byte, in order, whatever the JDK's reaper takes out
     * of the pipe when the child exits.
     */
    @Test
    void aChildsPipeReadAsAChannelGivesEveryByteInOrder(@TempDir Path dir) throws Exception {
        byte[] data = new byte[6 * Relay.CHUNK + 4321];
        new Random(11).nextBytes(data);
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        for (int round = 0; round < 5; round++) {
            Process p = new ProcessBuilder("cat", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            InputStream in = p.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long[] sent = new long[2];
            try (FileChannel pipe = ChildPipe.open(p, in)) {
                assertTrue(pipe != null, "the child's pipe opens as a channel");
                assertEquals(data.length, Relay.copy(in, pipe, slowSink(got), sent));
            }
            assertEquals(0, p.waitFor());
            assertArrayEquals(data, got.toByteArray(), "round " + round);
            assertEquals(data.length, sent[0]);
        }
    }

    /**
     * The child has written everything and exited before the relay reads: the JDK's reaper has
     * moved the pipe's bytes into its own stream, the channel is at its end at once, and the bytes
     * still arrive (a relay that stopped at the channel's end would send nothing).
     */
    @Test
    void bytesLeftInThePipeAtTheChildsExitFollowTheChannelsEnd(@TempDir Path dir) throws Exception {
        byte[] data = new byte[40_000]; // fits in a pipe: the child never waits for a reader
        new Random(13).nextBytes(data);
        Path file = dir.resolve("small.bin");
        Files.write(file, data);
        Process p = new ProcessBuilder("sh", "-c", "cat \"$1\"; read x; true", "sh", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        InputStream in = p.getInputStream();
        try (FileChannel pipe = ChildPipe.open(p, in)) {
            assertTrue(pipe != null, "the child's pipe opens as a channel while it waits on stdin");
            p.getOutputStream().close(); // read x ends: the child exits, its bytes still in the pipe
            assertEquals(0, p.waitFor());
            Thread.sleep(200); // the reaper drains the pipe into the JDK's stream
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long[] sent = new long[2];
            assertEquals(data.length, Relay.copy(in, pipe, got, sent));
            assertArrayEquals(data, got.toByteArray());
            assertTrue(sent[1] > 0, "the bytes came through the JDK's stream after the channel's end");
        }
    }

    @Test
    void noChannelForAStreamTheJdkDidNotMakeOrAChildThatIsGone() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertEquals(null, ChildPipe.open(p, p.getInputStream()), "the child has exited");
        Process q = new ProcessBuilder("sleep", "5").start();
        try {
            assertEquals(null, ChildPipe.open(q, new java.io.BufferedInputStream(q.getInputStream())),
                    "a wrapped stream: its lock is not the one the JDK's reaper takes");
            assertEquals(null, ChildPipe.open(null, q.getInputStream()));
        } finally {
            q.destroy();
        }
    }

    @Test
    void aClientThatGoesAwayClosesTheChannelSoTheChildStops() throws Exception {
        // an endless child: only a closed pipe (no reader left) stops it
        Process p = new ProcessBuilder("yes", "cfs-backup").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        InputStream in = p.getInputStream();
        long[] sent = new long[1];
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (sent[0] > 3 * Relay.CHUNK) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        try (FileChannel pipe = ChildPipe.open(p, in)) {
            assertTrue(pipe != null);
            IOException e = assertThrows(IOException.class, () -> Relay.copy(in, pipe, broken, sent));
            assertEquals("Broken pipe", e.getMessage());
        }
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "yes stopped: its pipe has no reader left");
    }

    @Test
    void atMostAFewSpareDirectBuffersStayBetweenDownloads() throws Exception {
        byte[] data = new byte[3 * Relay.CHUNK];
        for (int i = 0; i < 3; i++) {
            long[] sent = new long[1];
            Relay.copy(new Trickle(data), slowSink(new ByteArrayOutputStream()), sent);
            assertTrue(Relay.directBuffers() <= Relay.MAX_DIRECT, "at most " + Relay.MAX_DIRECT + " direct buffers");
        }
        assertTrue(Relay.directBuffers() <= Relay.RETAIN, "after the downloads at most " + Relay.RETAIN
                + " spare direct buffers are kept, not " + Relay.directBuffers());
    }
}
