package org.cfs.backup.browse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cfs.backup.CfsException;
import org.junit.jupiter.api.Test;

class SnapshotBrowserTest {
    @Test
    void pathsRelativeToTheSourcesRoot() {
        List<String> one = List.of("/var/lib/docker/volumes/v/_data");
        assertEquals("/var/lib/docker/volumes/v/_data", SnapshotBrowser.absolutePath(one, "/"));
        assertEquals("/var/lib/docker/volumes/v/_data", SnapshotBrowser.absolutePath(one, ""));
        assertEquals("/var/lib/docker/volumes/v/_data/a/b", SnapshotBrowser.absolutePath(one, "/a//b/"));
        assertEquals("a/b", SnapshotBrowser.relativePath(one, "/var/lib/docker/volumes/v/_data/a/b"));
        assertEquals("", SnapshotBrowser.relativePath(one, "/var/lib/docker/volumes/v/_data"));
        List<String> two = List.of("/opt/cfs-infra", "/usr/local/bin");
        assertEquals("/opt/cfs-infra/x", SnapshotBrowser.absolutePath(two, "opt/cfs-infra/x"));
        assertEquals("/", SnapshotBrowser.absolutePath(two, "/"));
        assertEquals("usr/local/bin/y", SnapshotBrowser.relativePath(two, "/usr/local/bin/y"));
        CfsException e = assertThrows(CfsException.class, () -> SnapshotBrowser.absolutePath(one, "a/../../etc"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains(".."));
    }

    @Test
    void parentsNamesAndModes() {
        assertEquals("/", SnapshotBrowser.parentOf("/a"));
        assertEquals("/a", SnapshotBrowser.parentOf("/a/b"));
        assertTrue(SnapshotBrowser.compareNames("a", "b") < 0);
        assertTrue(SnapshotBrowser.compareNames("Z", "a") < 0); // bytes, as restic sorts
        assertTrue(SnapshotBrowser.compareNames("\uFFFF", "\uD83D\uDE00") < 0); // UTF-8, not UTF-16 order
        assertEquals("0755", Entry.mode(2147484141L)); // Go's ModeDir|0755
        assertEquals("0640", Entry.mode(0640));
        assertEquals("4755", Entry.mode((1L << 23) | 0755));
    }
}
