package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.restore.RestoreFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drills and checks with the real restic and rclone: a sound repository passes; rot in the repository or on the live disk fails. */
class DrillIT {
    @TempDir
    Path tmp;
    Path src;
    RestoreFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        src = tmp.resolve("project");
        Files.createDirectories(src.resolve("a/b"));
        Random rnd = new Random(3);
        byte[] big = new byte[4 * 1024 * 1024];
        rnd.nextBytes(big);
        Files.write(src.resolve("a/big.bin"), big);
        for (int i = 0; i < 20; i++) {
            Files.writeString(src.resolve("a/b/f" + i + ".txt"), "file " + i + "\n".repeat(i));
        }
        Files.writeString(src.resolve("report.txt"), "quarterly numbers: 12345\n");
        Files.createSymbolicLink(src.resolve("a/link"), Path.of("b/f1.txt"));
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: project
                  path: %s
                """.formatted(src));
    }

    @Test
    void soundRepositoryPassesStreamingAndFullDrillAndCheck() throws Exception {
        String snap = fx.initAndBackup("project");
        JsonNode j = fx.ok("drill", "--json").json();
        assertTrue(j.get("passed").asBoolean(), j.toString());
        JsonNode s = j.get("sources").get(0);
        assertEquals("project", s.get("source").asText());
        assertEquals(snap, s.get("snapshot_id").asText());
        assertEquals(22, s.get("files_verified").asLong());
        long bytes;
        try (Stream<Path> w = Files.walk(src)) {
            bytes = w.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(bytes, s.get("bytes_verified").asLong());
        assertEquals(0, s.get("problems").size());
        assertTrue(s.has("duration_s"));

        JsonNode full = fx.ok("drill", "--full", "--json").json();
        JsonNode f = full.get("sources").get(0);
        assertTrue(f.get("passed").asBoolean(), full.toString());
        assertEquals("full", f.get("mode").asText());
        assertEquals(22, f.get("files_verified").asLong());
        assertNotNull(f.get("rto_s").numberValue());
        try (Stream<Path> left = Files.list(fx.dir.resolve("state"))) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("drill-scratch")), "scratch folder left behind");
        }
        JsonNode c = fx.ok("check", "--read-data-subset", "100%", "--json").json();
        assertTrue(c.get("ok").asBoolean(), c.toString());
        assertEquals(2, fx.run("check", "--read-data-subset", "lots").code());
    }

    @Test
    void liveFileWithSameSizeAndMtimeButOtherBytesFailsNamingTheFile() throws Exception {
        fx.initAndBackup("project");
        Path f = src.resolve("report.txt");
        FileTime mtime = Files.getLastModifiedTime(f);
        String text = Files.readString(f);
        Files.writeString(f, text.replace("12345", "99999"));
        Files.setLastModifiedTime(f, mtime);
        RestoreFixture.Run r = fx.run("drill", "--json");
        assertEquals(1, r.code(), r.toString());
        JsonNode s = r.json().get("sources").get(0);
        assertFalse(s.get("passed").asBoolean());
        assertTrue(s.get("problems").toString().contains(f.toString()), s.toString());
        assertTrue(Files.readString(fx.dir.resolve("state/history.jsonl")).contains("\"job\":\"drill\",\"source\":\"project\""));
        String audit = Files.readString(fx.dir.resolve("log/cfs-backup.log"));
        assertTrue(audit.contains("op=drill outcome=failed source=project"), audit);
        // a file changed the ordinary way (new mtime) is no problem
        Files.writeString(src.resolve("a/b/f3.txt"), "edited later");
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtime.toMillis() + 5000));
        assertEquals(0, fx.run("drill").code());
    }

    @Test
    void damagedPackFailsTheDrillNamingTheSourceAndCheckReadingDataFindsIt() throws Exception {
        fx.initAndBackup("project");
        Path pack;
        try (Stream<Path> w = Files.walk(fx.repo.resolve("data"))) {
            pack = w.filter(Files::isRegularFile).max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(pack.toFile(), "rw")) {
            long mid = raf.length() / 2;
            byte[] b = new byte[64];
            raf.seek(mid);
            raf.readFully(b);
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) ~b[i];
            }
            raf.seek(mid);
            raf.write(b);
        }
        RestoreFixture.Run r = fx.run("drill", "--json");
        assertEquals(1, r.code(), r.toString());
        JsonNode j = r.json();
        assertFalse(j.get("passed").asBoolean());
        assertEquals("project", j.get("sources").get(0).get("source").asText());
        assertFalse(j.get("sources").get(0).get("passed").asBoolean());
        assertTrue(j.get("sources").get(0).get("problems").size() > 0);
        assertTrue(r.err().contains("drill failed for project"), r.err());

        RestoreFixture.Run c = fx.run("check", "--read-data-subset", "100%");
        assertEquals(1, c.code(), c.toString());
        assertTrue(c.out().contains("DAMAGED"), c.out());
    }
}
