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

import org.junit.jupiter.api.Test;

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
}
