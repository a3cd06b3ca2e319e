package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine with another host name reads the snapshots of a host that is gone: backups made under
 * {@code host: A}, then the config says {@code host: B}. Without {@code --host} every command says
 * which hosts have snapshots and which option to use; with it, snapshots, restore and drill work.
 */
class OtherHostIT {
    @TempDir
    Path tmp;

    @Test
    void snapshotsRestoreAndDrillTakeHostAndNameTheOtherHosts() throws Exception {
        Path src = tmp.resolve("files");
        Files.createDirectories(src.resolve("sub"));
        Files.writeString(src.resolve("sub/a.txt"), "alpha\n");
        Files.writeString(src.resolve("b.txt"), "beta\n");
        RestoreFixture fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: files
                  path: %s
                """.formatted(src));
        String hostA = "cfs-it-a-" + fx.id.substring(fx.id.length() - 8);
        String hostB = "cfs-it-b-" + fx.id.substring(fx.id.length() - 8);
        setHost(fx, hostA);
        String snap = fx.initAndBackup("files");
        setHost(fx, hostB);

        RestoreFixture.Run none = fx.ok("snapshots");
        assertTrue(none.out().contains("no snapshots of host " + hostB), none.toString());
        assertTrue(none.err().contains("from host " + hostA + ": use --host " + hostA + " or --all-hosts"), none.toString());
        assertEquals(0, fx.ok("snapshots", "--json").json().size());

        JsonNode a = fx.ok("snapshots", "--host", hostA, "--json").json();
        assertEquals(1, a.size(), a.toString());
        assertEquals(snap, a.get(0).get("short_id").asText());
        assertEquals(hostA, a.get(0).get("host").asText());
        JsonNode all = fx.ok("snapshots", "--all-hosts", "--json").json();
        assertEquals(1, all.size(), all.toString());
        RestoreFixture.Run allText = fx.ok("snapshots", "--all-hosts");
        assertTrue(allText.out().contains(hostA), allText.toString());
        assertEquals(2, fx.run("snapshots", "--all-hosts", "--host", hostA).code());

        Path target = tmp.resolve("back");
        RestoreFixture.Run failed = fx.run("restore", "files", "--target", target.toString());
        assertEquals(1, failed.code(), failed.toString());
        assertTrue(failed.err().contains("has no snapshot yet (host " + hostB + ")"), failed.toString());
        assertTrue(failed.err().contains("from host " + hostA + ": use --host " + hostA), failed.toString());

        RestoreFixture.Run drillFailed = fx.run("drill", "files");
        assertEquals(1, drillFailed.code(), drillFailed.toString());
        assertTrue(drillFailed.out().contains("use --host " + hostA), drillFailed.toString());

        fx.ok("restore", "files", "--host", hostA, "--target", target.toString());
        assertEquals(RestoreFixture.describe(src), RestoreFixture.describe(target));
        Path target2 = tmp.resolve("back2");
        fx.ok("restore", "files", "--host", hostA, "--snapshot", "latest", "--include", "sub", "--target", target2.toString());
        assertEquals("alpha\n", Files.readString(target2.resolve("sub/a.txt")));

        JsonNode d = fx.ok("drill", "files", "--host", hostA, "--json").json();
        assertTrue(d.get("passed").asBoolean(), d.toString());
        assertEquals(snap, d.get("sources").get(0).get("snapshot_id").asText());
        JsonNode full = fx.ok("drill", "files", "--full", "--host", hostA, "--json").json();
        assertTrue(full.get("passed").asBoolean(), full.toString());
    }

    static void setHost(RestoreFixture fx, String host) throws Exception {
        String yaml = Files.readString(fx.config).replaceFirst("(?m)^host: .*$", "host: " + host);
        Files.writeString(fx.config, yaml);
    }
}
