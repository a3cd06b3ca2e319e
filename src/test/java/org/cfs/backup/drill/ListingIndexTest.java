package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The compact listing index: growth, lookups, seen marks. */
class ListingIndexTest {
    @Test
    void holdsManyEntries() {
        ListingIndex ix = new ListingIndex();
        for (int i = 0; i < 100_000; i++) {
            ix.put("/data/dir" + (i % 100) + "/file-" + i, ListingIndex.FILE, i, i * 1000L);
        }
        ix.put("/data/dir1", ListingIndex.DIR, 0, 0);
        assertEquals(100_001, ix.size());
        assertEquals(100_000, ix.files());
        int slot = ix.find("/data/dir7/file-12307");
        assertTrue(slot >= 0);
        assertEquals(12307, ix.sizeAt(slot));
        assertEquals(12_307_000L, ix.mtimeAt(slot));
        assertEquals(-1, ix.find("/data/dir7/file-100000"));
        assertTrue(ix.markSeen(slot));
        assertFalse(ix.markSeen(slot), "a second sighting is reported");
        assertTrue(ix.seen("/data/dir7/file-12307"));
        assertEquals(100_000, ix.unseenCount());
        assertEquals(ListingIndex.DIR, ix.typeAt(ix.find("/data/dir1")));
    }
}
