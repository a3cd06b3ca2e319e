package org.cfs.backup.bootdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.cli.ItEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB dump of several databases, from the host's real server, is loaded into a throw-away
 * host mariadbd and its row counts checked; the live server's database list stays as it was.
 */
class MariadbBootDrillIT {
    final String id = UUID.randomUUID().toString().substring(0, 8).replace('-', '_');
    final String a = "cfsbd_" + id + "_shop";
    final String b = "cfsbd_" + id + "_blog";
    final String c = "cfsbd_" + id + "_empty";
    ItEnv env;

    @BeforeEach
    void setUp() throws Exception {
        env = new ItEnv();
        ItEnv.sh("mariadb", "-e", "CREATE DATABASE " + a + "; CREATE DATABASE " + b + "; CREATE DATABASE " + c + ";"
                + " CREATE TABLE " + a + ".orders (id INT PRIMARY KEY AUTO_INCREMENT, note TEXT);"
                + " CREATE TABLE " + a + ".items (id INT PRIMARY KEY, name VARCHAR(100));"
                + " CREATE TABLE " + b + ".posts (id INT PRIMARY KEY, body LONGTEXT);"
                + " CREATE TABLE " + c + ".nothing (id INT);"
                + " INSERT INTO " + a + ".items VALUES (1, 'a (tricky) name'), (2, 'it''s'), (3, 'back\\\\slash'), (4, '),(');"
                + " INSERT INTO " + b + ".posts VALUES (1, 'line one\\nline two (with parens)'), (2, REPEAT('x', 100000));");
        // enough rows for several extended INSERT statements
        StringBuilder sb = new StringBuilder("INSERT INTO " + a + ".orders (note) VALUES ");
        for (int i = 0; i < 5000; i++) {
            sb.append(i == 0 ? "" : ",").append("('order ").append(i).append(" (").append(REPEAT).append(")')");
        }
        Process p = new ProcessBuilder("mariadb").redirectErrorStream(true).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write((sb + ";\n").getBytes());
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    static final String REPEAT = "y".repeat(200);

    @AfterEach
    void tearDown() throws Exception {
        ItEnv.sh("mariadb", "-e", "DROP DATABASE IF EXISTS " + a + "; DROP DATABASE IF EXISTS " + b
                + "; DROP DATABASE IF EXISTS " + c + ";");
        env.close();
    }

    /**
     * The live server's databases that this test or the server owns: other tests on the same
     * server (other agents' too) create and drop their own meanwhile.
     */
    private String databases() {
        return String.join("\n", ItEnv.sh("mariadb", "-N", "-e", "SHOW DATABASES").lines()
                .filter(d -> d.startsWith("cfsbd_" + id) || java.util.Set.of("information_schema", "mysql",
                        "performance_schema", "sys").contains(d)).toList());
    }

    @Test
    void dumpOfSeveralDatabasesLoadsIntoAThrowAwayServerWithEveryRowAndTheLiveServerUntouched() throws Exception {
        String src = "db-" + id;
        env.writeConfig("""
                  - name: %s
                    command: [mariadb-dump, --single-transaction, --databases, %s, %s, %s]
                    stdin-filename: mariadb/all.sql
                  - name: %s-broken
                    command: [sh, -c, "mariadb-dump --databases %s | sed 's/^INSERT INTO `items`/INSERT INTO `nosuch`/'"]
                """.formatted(src, a, b, c, src, a));
        assertEquals(0, env.cli("init").exit());
        ItEnv.Run bk = env.cli("backup");
        assertEquals(0, bk.exit(), bk.toString());
        String before = databases();
        ItEnv.Run r = env.cli("drill", "--boot", "--json", src);
        assertEquals(0, r.exit(), r.toString());
        JsonNode s = r.json().get("sources").get(0);
        assertTrue(s.get("passed").asBoolean(), s.toString());
        assertEquals("boot-dump", s.get("mode").asText());
        JsonNode boot = s.get("boot");
        assertEquals("load", boot.get("passed_by").asText());
        Map<String, Long> rows = new HashMap<>();
        for (JsonNode t : boot.get("tables")) {
            assertEquals(t.get("dump_rows").asLong(), t.get("loaded_rows").asLong(), t.toString());
            rows.put(t.get("database").asText() + "." + t.get("table").asText(), t.get("dump_rows").asLong());
        }
        assertEquals(Map.of(a + ".orders", 5000L, a + ".items", 4L, b + ".posts", 2L, c + ".nothing", 0L), rows);
        assertTrue(boot.get("seconds_to_healthy").asDouble() > 0);
        // the live server: same databases, its data as it was
        assertEquals(before, databases());
        assertEquals("5000", ItEnv.sh("mariadb", "-N", "-e", "SELECT COUNT(*) FROM " + a + ".orders"));
        assertNothingLeft();

        // a dump that does not load fails, naming the source and the client's error
        ItEnv.Run bad = env.cli("drill", "--boot", "--json", src + "-broken");
        assertEquals(1, bad.exit(), bad.toString());
        String problems = bad.json().get("sources").get(0).get("boot").get("problems").toString();
        assertTrue(problems.contains("loading the dump into a throw-away mariadbd failed"), problems);
        assertTrue(problems.contains("nosuch"), problems);
        assertTrue(bad.err().contains("boot drill failed for " + src + "-broken"), bad.err());
        assertEquals(before, databases());
        assertNothingLeft();
    }

    @Test
    void killDashNineWhileTheThrowAwayServerRunsLeavesNoServerNorDatadirAfterTheNextCommand() throws Exception {
        String src = "db-" + id;
        env.writeConfig("""
                  - name: %s
                    command: [mariadb-dump, --single-transaction, --databases, %s, %s, %s]
                """.formatted(src, a, b, c));
        assertEquals(0, env.cli("init").exit());
        assertEquals(0, env.cli("backup").exit());
        String javaBin = System.getProperty("java.home") + "/bin/java";
        Process p = new ProcessBuilder(javaBin, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "org.cfs.backup.cli.Main", "-c", env.config.toString(), "drill", "--boot")
                .redirectErrorStream(true).redirectOutput(env.dir.resolve("kill.log").toFile()).start();
        String server = "";
        try {
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (System.nanoTime() < deadline && server.isEmpty()) {
                Thread.sleep(100);
                // the throw-away server itself (not mariadb-install-db's bootstrap one)
                server = ItEnv.sh("sh", "-c", "pgrep -f '[m]ariadbd.*cfs-bootdrill-db-" + id + ".*skip-networking' || true");
            }
            assertFalse(server.isEmpty(), "the throw-away server never ran: " + Files.readString(env.dir.resolve("kill.log")));
            ItEnv.sh("kill", "-9", Long.toString(p.pid()));
            p.waitFor(20, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        Thread.sleep(500);
        assertFalse(ItEnv.sh("sh", "-c", "pgrep -f '[m]ariadbd.*cfs-bootdrill-db-" + id + "' || true").isEmpty(),
                "the server died with the drill: not the case this test is about");
        String before = databases();
        Path journal = env.dir.resolve("state/scratch-journal.json");
        String journalText = Files.exists(journal) ? Files.readString(journal) : "(no journal)";
        ItEnv.Run st = env.cli("snapshots", "--json");
        assertEquals(0, st.exit(), st.toString());
        assertTrue(st.err().contains("removed scratch process"), st.err() + journalText);
        assertTrue(st.err().contains("removed scratch path"), st.err());
        assertNothingLeft();
        assertEquals(before, databases());
    }

    /** The MariaDB image bin/install-deps builds (a debootstrapped Debian 12 root with mariadb-server). */
    static final String MARIADB_IMAGE = "cfs-mariadb:latest";

    @Test
    void dumpFromAContainerLoadsIntoAScratchContainerOfItsImage() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("docker", "image", "inspect", MARIADB_IMAGE).start().waitFor() == 0,
                MARIADB_IMAGE + " is missing: bin/install-deps builds it");
        String live = "cfs-it-" + id.replace('_', '-') + "-mariadb";
        try {
            ItEnv.sh("docker", "run", "-d", "--name", live, MARIADB_IMAGE, "sh", "-c",
                    "mkdir -p /run/mysqld && chown mysql: /run/mysqld && mariadb-install-db --user=mysql"
                            + " --datadir=/var/lib/mysql >/dev/null && exec mariadbd --user=mysql");
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (new ProcessBuilder("docker", "exec", live, "mariadb-admin", "ping").start().waitFor() != 0) {
                assertTrue(System.nanoTime() < deadline, "the live MariaDB container did not start");
                Thread.sleep(300);
            }
            ItEnv.sh("docker", "exec", live, "mariadb", "-e", "CREATE DATABASE app; CREATE DATABASE crm;"
                    + " CREATE TABLE app.users (id INT PRIMARY KEY, name TEXT); CREATE TABLE crm.deals (id INT, v TEXT);"
                    + " INSERT INTO app.users VALUES (1,'ann'),(2,'bob (the builder)'),(3,'it''s');"
                    + " INSERT INTO crm.deals VALUES (1,'x');");
            String before = ItEnv.sh("docker", "exec", live, "mariadb", "-N", "-e", "SHOW DATABASES");
            String src = "cdb-" + id;
            env.writeConfig("""
                      - name: %s
                        command: [docker, exec, %s, mariadb-dump, --single-transaction, --databases, app, crm]
                    """.formatted(src, live));
            assertEquals(0, env.cli("init").exit());
            ItEnv.Run bk = env.cli("backup");
            assertEquals(0, bk.exit(), bk.toString());
            ItEnv.Run r = env.cli("drill", "--boot", "--json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode boot = r.json().get("sources").get(0).get("boot");
            assertEquals(live, boot.get("container").asText());
            Map<String, Long> rows = new HashMap<>();
            for (JsonNode t : boot.get("tables")) {
                assertEquals(t.get("dump_rows").asLong(), t.get("loaded_rows").asLong(), t.toString());
                rows.put(t.get("database").asText() + "." + t.get("table").asText(), t.get("loaded_rows").asLong());
            }
            assertEquals(Map.of("app.users", 3L, "crm.deals", 1L), rows);
            assertEquals(before, ItEnv.sh("docker", "exec", live, "mariadb", "-N", "-e", "SHOW DATABASES"));
            assertEquals("running", ItEnv.state(live));
            assertEquals("", ItEnv.sh("docker", "ps", "-a", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + src));
            assertEquals("", ItEnv.sh("docker", "volume", "ls", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + src));
        } finally {
            new ProcessBuilder("docker", "rm", "-f", live).start().waitFor();
        }
    }

    private void assertNothingLeft() throws Exception {
        for (Path parent : new Path[] {env.dir.resolve("state"), Path.of("/var/tmp")}) {
            if (Files.isDirectory(parent)) {
                try (var l = Files.list(parent)) {
                    assertFalse(l.anyMatch(f -> f.getFileName().toString().startsWith("cfs-bootdrill-db-" + id)),
                            "scratch datadir left in " + parent);
                }
            }
        }
        String procs = ItEnv.sh("sh", "-c", "ps -eo args | grep -c '[c]fs-bootdrill-db-" + id + "' || true");
        assertEquals("0", procs, "a throw-away mariadbd is still running");
    }
}
