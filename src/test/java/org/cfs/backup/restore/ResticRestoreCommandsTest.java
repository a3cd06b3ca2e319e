package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.junit.jupiter.api.Test;

/** The restic argument lists of restore, ls, dump, check and unlock, and parsing recorded {@code ls --json}. */
class ResticRestoreCommandsTest {
    private final Restic restic = new Restic(new ResticSettings("restic", "rclone:gd:repo", Path.of("/pw"), null, null,
            null, List.of()), spec -> {
                throw new AssertionError("no process in this test");
            });

    private static List<String> tail(List<String> cmd, String sub) {
        return cmd.subList(cmd.indexOf(sub), cmd.size());
    }

    @Test
    void argumentLists() {
        assertEquals(List.of("restore", "--target", "/t", "--include", "/a/b", "--verify", "--", "abc123"),
                tail(restic.args().restoreArgs("abc123", "/t", List.of("/a/b"), true), "restore"));
        assertEquals(List.of("ls", "--json", "--recursive", "--", "abc123", "/data"),
                tail(restic.args().lsArgs("abc123", List.of("/data")), "ls"));
        assertEquals(List.of("dump", "--", "abc123", "/mariadb/all.sql"), tail(restic.args().dumpArgs("abc123", "/mariadb/all.sql"), "dump"));
        assertEquals(List.of("check", "--read-data-subset", "10%"), tail(restic.args().checkArgs("10%"), "check"));
        assertEquals(List.of("check"), tail(restic.args().checkArgs(null), "check"));
        List<String> restore = restic.args().restoreArgs("abc", "/t", List.of(), false);
        assertTrue(restore.get(0).equals("restic") && restore.contains("-r") && restore.contains("rclone:gd:repo"));
        assertTrue(restore.stream().anyMatch(a -> a.contains("--ask-password=false")), restore.toString());
    }

    @Test
    void parsesRecordedLsOutput() throws IOException {
        List<Restic.LsNode> nodes = new ArrayList<>();
        String text;
        try (var in = getClass().getResourceAsStream("/restic/ls-src.jsonl")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            Restic.LsNode n = Restic.parseLsLine(line);
            if (n != null) {
                nodes.add(n);
            }
        }
        assertNull(Restic.parseLsLine(text.split("\n")[0]), "the snapshot line is not a node");
        Restic.LsNode b = nodes.stream().filter(n -> n.path().equals("/tmp/rprobe/src/sub/b")).findFirst().orElseThrow();
        assertEquals("file", b.type());
        assertEquals(1000, b.uid());
        assertEquals(2, b.size());
        assertEquals(0640, b.mode() & 0777);
        assertTrue(b.mtimeNanos() % 1_000_000_000L != 0, "nanoseconds kept");
        assertTrue(nodes.stream().anyMatch(n -> n.type().equals("symlink") && n.path().endsWith("/link")));
        assertTrue(nodes.stream().anyMatch(n -> n.isDir() && n.path().endsWith("/sub/deep")));
    }
}
