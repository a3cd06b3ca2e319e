package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Sizes as operators write them. */
class SizeTest {
    @Test
    void parsesBinaryDecimalAndPlainSizes() {
        assertEquals(20L << 30, Size.parse("20GiB"));
        assertEquals(5_000_000_000L, Size.parse("5 GB"));
        assertEquals(1536L << 20, Size.parse("1.5GiB"));
        assertEquals(512, Size.parse("512"));
        assertEquals(512, Size.parse("512B"));
        assertEquals(1024, Size.parse("1k".toUpperCase() + "iB"));
        assertThrows(IllegalArgumentException.class, () -> Size.parse("lots"));
    }

    @Test
    void printsHumanSizes() {
        assertEquals("512 B", Size.human(512));
        assertEquals("1.5 GiB", Size.human(1536L << 20));
    }
}
