package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dump sources with the real MariaDB: the dump restored to a file and streamed back into MariaDB, and drilled. */
class RestoreDumpIT {
    @TempDir
    Path tmp;
    RestoreFixture fx;
    String db;

    @BeforeEach
    void setUp() throws Exception {
        db = "cfs_it_restore_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        RestoreFixture.sh("mariadb", "-e", "CREATE DATABASE " + db + "; CREATE TABLE " + db
                + ".t (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO " + db + ".t VALUES (1,'one'),(2,'zwei'),(3,'trois');");
        String load = "sed 's/`" + db + "`/`" + db + "_drill`/g' | mariadb && n=$(mariadb -N -e 'SELECT COUNT(*) FROM "
                + db + "_drill.t'); mariadb -e 'DROP DATABASE " + db + "_drill'; test \\\"$n\\\" = 3";
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: mariadb
                  command: [mariadb-dump, --single-transaction, --databases, %1$s]
                  stdin-filename: mariadb/%1$s.sql
                  drill-command: [sh, -c, "%2$s"]
                - name: mariadb-bad-drill
                  command: [mariadb-dump, --single-transaction, --databases, %1$s]
                  drill-command: [sh, -c, "cat >/dev/null; echo rows do not match >&2; exit 5"]
                - name: truncated
                  command: [sh, -c, "mariadb-dump --databases %1$s | head -c 300"]
                """.formatted(db, load));
    }

    @AfterEach
    void tearDown() {
        RestoreFixture.quiet("mariadb", "-e", "DROP DATABASE IF EXISTS " + db + "; DROP DATABASE IF EXISTS " + db + "_drill;");
    }

    private String count() {
        return RestoreFixture.sh("mariadb", "-N", "-e", "SELECT COUNT(*) FROM " + db + ".t");
    }

    @Test
    void dumpIsWrittenToATargetAndStreamedBackIntoMariadb() throws Exception {
        String snap = fx.initAndBackup("mariadb");
        Path target = tmp.resolve("dump-out");
        JsonNode j = fx.ok("restore", "mariadb", "--target", target.toString(), "--json").json();
        assertEquals(snap, j.get("snapshot_id").asText());
        Path file = target.resolve("mariadb/" + db + ".sql");
        String sql = Files.readString(file);
        assertTrue(sql.contains("CREATE DATABASE") && sql.contains("'zwei'") && sql.contains("-- Dump completed"), sql);
        assertEquals(Files.size(file), j.get("bytes_restored").asLong());

        RestoreFixture.sh("mariadb", "-e", "DROP DATABASE " + db);
        JsonNode p = fx.ok("restore", "mariadb", "--pipe-to", "mariadb", "--json").json();
        assertEquals("pipe", p.get("mode").asText());
        assertEquals("3", count());
        assertEquals("zwei", RestoreFixture.sh("mariadb", "-N", "-e", "SELECT v FROM " + db + ".t WHERE id=2"));

        RestoreFixture.Run failing = fx.run("restore", "mariadb", "--pipe-to", "sh -c 'cat >/dev/null; echo no such db >&2; exit 3'");
        assertEquals(1, failing.code(), failing.toString());
        assertTrue(failing.err().contains("exited 3") && failing.err().contains("no such db"), failing.err());

        RestoreFixture.Run neither = fx.run("restore", "mariadb");
        assertEquals(2, neither.code(), neither.toString());
        assertTrue(neither.err().contains("--pipe-to"), neither.err());
        RestoreFixture.Run refused = fx.run("restore", "mariadb", "--target", "/etc/cfs-it-" + db);
        assertEquals(2, refused.code());
        assertFalse(Files.exists(Path.of("/etc/cfs-it-" + db)));
    }

    @Test
    void drillLoadsTheDumpAndFailsOnABadDrillCommandOrATruncatedDump() throws Exception {
        fx.initAndBackup("mariadb");
        fx.backup("mariadb-bad-drill");
        fx.backup("truncated");
        JsonNode good = fx.ok("drill", "mariadb", "--json").json();
        assertTrue(good.get("passed").asBoolean(), good.toString());
        JsonNode src = good.get("sources").get(0);
        assertEquals(1, src.get("files_verified").asLong());
        assertTrue(src.get("bytes_verified").asLong() > 100);
        assertEquals("0", RestoreFixture.sh("mariadb", "-N", "-e",
                "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='" + db + "_drill'"));

        RestoreFixture.Run all = fx.run("drill", "--json");
        assertEquals(1, all.code(), all.toString());
        JsonNode j = all.json();
        assertFalse(j.get("passed").asBoolean());
        for (JsonNode s : j.get("sources")) {
            String name = s.get("source").asText();
            String problems = s.get("problems").toString();
            switch (name) {
                case "mariadb" -> assertTrue(s.get("passed").asBoolean(), problems);
                case "mariadb-bad-drill" -> {
                    assertFalse(s.get("passed").asBoolean());
                    assertTrue(problems.contains("exited 5") && problems.contains("rows do not match"), problems);
                }
                case "truncated" -> {
                    assertFalse(s.get("passed").asBoolean());
                    assertTrue(problems.contains("-- Dump completed"), problems);
                }
                default -> throw new AssertionError(name);
            }
        }
        assertTrue(all.err().contains("mariadb-bad-drill") && all.err().contains("truncated"), all.err());
    }
}
