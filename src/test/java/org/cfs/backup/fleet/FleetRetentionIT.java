package org.cfs.backup.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.schedule.DaemonFixture;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, retention across the fleet, on a real restic repository shared by two hosts: the node
 * that prunes applies {@code retention:} to every host's snapshots, grouped by host and source, and
 * a shrunk source on host B holds only B's group of that source.
 */
class FleetRetentionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Random random = new Random();

    private void fill(Path dir, int bytes) throws Exception {
        Files.createDirectories(dir);
        Files.list(dir).forEach(p -> p.toFile().delete());
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        Files.write(dir.resolve("data.bin"), b);
    }

    private int count(DaemonFixture f, String host, String tag) throws Exception {
        return JSON.readTree(f.restic("snapshots", "--json", "--no-lock", "--host", host, "--tag", tag)).size();
    }

    private static JsonNode entry(JsonNode report, String host, String source) {
        for (JsonNode s : report.path("sources")) {
            boolean own = s.path("host").isNull() || s.path("host").isMissingNode();
            if (s.path("source").asText().equals(source) && (host == null ? own : s.path("host").asText().equals(host))) {
                return s;
            }
        }
        throw new AssertionError("no " + host + "/" + source + " in " + report);
    }

    @Test
    void theNodeThatPrunesKeepsEveryHostsCountsAndAShrunkSourceHoldsOnlyItsHost() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            Files.writeString(f.dir.resolve("db-pw"), "unused\n");
            String fleet = "retention: {keep-last: 2}\n"
                    + "fleet: {name: ret-" + f.id + ", jdbc-url: \"jdbc:mariadb://127.0.0.1:3306/unused_" + f.id
                    + "\", user: u, password-file: " + f.dir.resolve("db-pw") + "}\n";
            Path dataA = f.dir.resolve("a-app");
            Path dataB = f.dir.resolve("b-app");
            Path dataBdb = f.dir.resolve("b-db");
            Path a = f.config("  - {name: app, path: " + dataA + "}\n", fleet);
            String yamlA = Files.readString(a);
            Path cfgA = Files.writeString(f.dir.resolve("a.yaml"), yamlA.replace("host: cfs-it-" + f.id, "host: node-a-" + f.id));
            // host B: its own host name and state, a source of the same name and one more
            Path cfgB = Files.writeString(f.dir.resolve("b.yaml"), yamlA.replace("host: cfs-it-" + f.id, "host: node-b-" + f.id)
                    .replace(f.stateDir.toString(), f.dir.resolve("state-b").toString())
                    .replace(f.dir.resolve("log").toString(), f.dir.resolve("log-b").toString())
                    .replace("  - {name: app, path: " + dataA + "}\n",
                            "  - {name: app, path: " + dataB + "}\n  - {name: db, path: " + dataBdb + "}\n"));
            String hostA = "node-a-" + f.id;
            String hostB = "node-b-" + f.id;
            for (int i = 0; i < 4; i++) {
                fill(dataA, 200_000);
                assertEquals(0, f.run(cfgA, "backup").exit());
            }
            for (int i = 0; i < 3; i++) {
                fill(dataB, 200_000);
                // B's db shrinks to a tenth in its newest snapshot: a broken dump, say
                fill(dataBdb, i == 2 ? 20_000 : 200_000);
                DaemonFixture.Result r = f.run(cfgB, "backup");
                // the shrunk one is partial at backup time already (issue 14), its snapshot kept for prune to guard
                assertEquals(i == 2 ? 3 : 0, r.exit(), r.err());
            }
            assertEquals(4, count(f, hostA, "app"));
            assertEquals(3, count(f, hostB, "app"));
            assertEquals(3, count(f, hostB, "db"));

            // the fleet's prune runs on node A only
            DaemonFixture.Result prune = f.run(cfgA, "prune", "--json");
            JsonNode report = JSON.readTree(prune.out());
            assertEquals(1, prune.exit(), "the guard held a source: " + prune.out() + prune.err());
            assertEquals("guarded", report.path("status").asText());
            assertEquals(2, entry(report, null, "app").path("removed").asInt(), report.toString());
            assertEquals(1, entry(report, hostB, "app").path("removed").asInt(), report.toString());
            JsonNode db = entry(report, hostB, "db");
            assertTrue(db.path("guarded").asBoolean(), report.toString());
            assertTrue(report.path("pruned").asBoolean(), "the other groups were pruned: " + report);
            // every host and source kept its own keep-last 2; B's shrunk db kept all of its snapshots
            assertEquals(2, count(f, hostA, "app"));
            assertEquals(2, count(f, hostB, "app"));
            assertEquals(3, count(f, hostB, "db"));

            // B's db fixed: the next prune (still from A) forgets B's db by the policy too
            fill(dataBdb, 200_000);
            assertEquals(0, f.run(cfgB, "backup", "db").exit());
            DaemonFixture.Result again = f.run(cfgA, "prune", "--json");
            assertEquals(0, again.exit(), again.out() + again.err());
            JsonNode r2 = JSON.readTree(again.out());
            assertFalse(entry(r2, hostB, "db").path("guarded").asBoolean(), r2.toString());
            assertEquals(2, count(f, hostA, "app"));
            assertEquals(2, count(f, hostB, "app"));
            assertEquals(2, count(f, hostB, "db"));
            // host B's own history is B's: A's prune wrote nothing of B's sources into A's history
            DaemonFixture.Result status = f.run(cfgA, "status", "--json");
            assertFalse(status.out().contains("\"db\""), status.out());
        }
    }
}
