package org.cfs.backup.bootdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Rows counted while a dump streams past: both INSERT layouts, quotes, parens and escapes inside values. */
class DumpRowCounterTest {
    private static DumpRowCounter count(String dump, int chunk) throws Exception {
        DumpRowCounter c = new DumpRowCounter();
        java.io.InputStream in = c.watch(new ByteArrayInputStream(dump.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[] buf = new byte[chunk];
        while (in.read(buf) >= 0) {
            // counted as it passes
        }
        return c;
    }

    @Test
    void oneLineExtendedInsertsOfOlderDumps() throws Exception {
        String dump = "-- MariaDB dump\n"
                + "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `x` ;\nUSE `x`;\n"
                + "CREATE TABLE `t` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB;\n"
                + "CREATE TABLE `e` (\n  `id` int(11)\n);\n"
                + "INSERT INTO `t` VALUES (1,'a (b)'),(2,'it\\'s ),( here'),(3,NULL);\n"
                + "INSERT INTO `t` (`id`, `v`) VALUES (4,'x');\n"
                + "-- Dump completed on 2026-12-01\n";
        for (int chunk : new int[] {1, 7, 4096}) {
            DumpRowCounter c = count(dump, chunk);
            assertEquals(Map.of("x.t", 4L, "x.e", 0L), c.rows, "chunk " + chunk);
            assertEquals(Set.of("x"), c.databases);
            assertTrue(c.tail().contains("-- Dump completed"));
        }
    }

    @Test
    void aRowALineAsMariadbDumpOf1011WritesThem() throws Exception {
        String dump = "USE `shop`;\nLOCK TABLES `items` WRITE;\n/*!40000 ALTER TABLE `items` DISABLE KEYS */;\n"
                + "INSERT INTO `items` VALUES\n(1,'a (tricky) name'),\n(2,'it\\'s'),\n(3,'back\\\\slash'),\n(4,'),(');\n"
                + "/*!40000 ALTER TABLE `items` ENABLE KEYS */;\nUNLOCK TABLES;\n"
                + "USE `bl``og`;\nINSERT INTO `posts` VALUES\n(1,'line one\\nline two; (with parens)');\n"
                + "-- Dump completed on 2026-12-01 22:40:01\n";
        DumpRowCounter c = count(dump, 3);
        assertEquals(Map.of("shop.items", 4L, "bl`og.posts", 1L), c.rows);
    }

    @Test
    void memoryStaysFlatOnAHugeInsert() throws Exception {
        long rows = 200_000;
        InputStream huge = new InputStream() {
            final byte[] head = "USE `big`;\nINSERT INTO `t` VALUES\n".getBytes();
            long i = -1;
            byte[] cur = head;
            int pos;

            @Override
            public int read() {
                if (pos == cur.length) {
                    i++;
                    if (i > rows) {
                        return -1;
                    }
                    cur = (i == rows ? "-- Dump completed\n" : "(" + i + ",'" + "z".repeat(50) + "')" + (i == rows - 1 ? ";\n" : ",\n")).getBytes();
                    pos = 0;
                }
                return cur[pos++];
            }
        };
        DumpRowCounter c = new DumpRowCounter();
        c.watch(huge).transferTo(OutputStream.nullOutputStream());
        assertEquals(Map.of("big.t", rows), c.rows);
    }
}
