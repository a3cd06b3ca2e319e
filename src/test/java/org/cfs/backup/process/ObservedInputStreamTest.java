package org.cfs.backup.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Every byte read, skipped or read one at a time reaches the observer once; the tail is the stream's end. */
class ObservedInputStreamTest {
    @Test
    void theTailAndTheCountHoldWhateverTheReadsLookLike() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append('\n');
        }
        text.append("-- Dump completed on 2026-12-02");
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 7, 64, 100, 65536}) {
            StreamTail tail = new StreamTail(64);
            InputStream in = new ObservedInputStream(new ByteArrayInputStream(bytes), tail);
            assertEquals('l', in.read(), "a single byte is seen too");
            assertEquals(99, in.skip(99), "skipped bytes are read, so they are counted");
            byte[] buf = new byte[chunk];
            while (in.read(buf) >= 0) {
                // observed as it passes
            }
            assertEquals(bytes.length, tail.count(), "chunk " + chunk);
            String end = text.substring(text.length() - 64);
            assertEquals(end, tail.text(), "chunk " + chunk);
        }
        StreamTail small = new StreamTail(64);
        new ObservedInputStream(new ByteArrayInputStream("short".getBytes(StandardCharsets.UTF_8)), small)
                .transferTo(OutputStream.nullOutputStream());
        assertEquals("short", small.text());
        assertEquals(5, small.count());
    }
}
