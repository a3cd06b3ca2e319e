package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.cfs.backup.CfsException;
import org.junit.jupiter.api.Test;

/** --pipe-to splitting: words, quotes, escapes; no shell. */
class CommandLineSplitterTest {
    @Test
    void splits() {
        assertEquals(List.of("docker", "exec", "-i", "mariadb", "mariadb"), CommandLineSplitter.split("docker exec -i mariadb  mariadb"));
        assertEquals(List.of("sh", "-c", "cat > /dev/null; exit 3"), CommandLineSplitter.split("sh -c 'cat > /dev/null; exit 3'"));
        assertEquals(List.of("a b", "c\"d", ""), CommandLineSplitter.split("\"a b\" c\\\"d ''"));
        assertThrows(CfsException.class, () -> CommandLineSplitter.split("sh -c 'unbalanced"));
        assertThrows(CfsException.class, () -> CommandLineSplitter.split("   "));
    }
}
