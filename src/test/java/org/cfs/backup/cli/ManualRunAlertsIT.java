package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.cfs.backup.ExitCode;
import org.cfs.backup.rclone.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regressions: run by hand or from cron (no daemon), a command raises and clears the alerts of its
 * own outcome exactly as the daemon's run of it does, and pings healthchecks around the run.
 * Real restic and rclone, a local rclone remote that answers {@code about}, a real HTTP receiver.
 */
class ManualRunAlertsIT {
    private Testbed t;
    private HttpServer hc;
    private final List<String> pings = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        t = new Testbed();
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        hc = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hc.createContext("/", ex -> {
            pings.add(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hc.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        hc.stop(0);
        t.close();
    }

    private String alertsYaml() {
        return "alerts:\n  - healthchecks: http://127.0.0.1:" + hc.getAddress().getPort() + "/ping/manual\n";
    }

    private String alertsJson() throws Exception {
        var f = t.dir.resolve("state/alerts.json");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void aManualQuotaRaisesAndClearsQuotaLevel() throws Exception {
        String repo = "rclone:loc:" + t.dir.resolve("repo");
        t.config(repo, "loc", null, "quota: {warn-free: 1000000GiB, critical-free: 1KiB}\n" + alertsYaml());
        assertEquals(ExitCode.PARTIAL, t.run("quota"), t.out + t.err);
        assertTrue(alertsJson().contains("quota-level"), "a warning level opens quota-level: " + alertsJson());
        assertEquals(List.of("/ping/manual/start", "/ping/manual/fail"), pings);

        t.config(repo, "loc", null, "quota: {warn-free: 1KiB, critical-free: 1KiB}\n" + alertsYaml());
        assertEquals(ExitCode.OK, t.run("quota"), t.out + t.err);
        assertFalse(alertsJson().contains("quota-level"), "an ok level clears it: " + alertsJson());
        assertEquals("/ping/manual", pings.get(pings.size() - 1));
    }

    @Test
    void aManualBackupWithAFailedSourceRaisesItsAlertAndStatusShowsIt() throws Exception {
        String gone = "/nonexistent-cfs-" + UUID.randomUUID();
        Files.writeString(t.dir.resolve("data/a.txt"), "a\n");
        // a second source (appended to the sources list) whose path is missing
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null,
                "  - name: gone\n    path: " + gone + "\n" + alertsYaml());
        assertEquals(ExitCode.OK, t.run("init"), t.out + t.err);
        pings.clear();

        assertEquals(ExitCode.PARTIAL, t.run("backup"), t.out + t.err);
        String open = alertsJson();
        assertTrue(open.contains("backup-failed:gone"), open);
        assertFalse(open.contains("backup-failed:data"), open);
        assertEquals(List.of("/ping/manual/start", "/ping/manual/fail"), pings);

        t.run("status");
        assertFalse(t.out.contains("alerts: none open"), t.out);
        assertTrue(t.out.contains("backup-failed:gone"), t.out);

        // a dry run neither pings nor changes a condition
        pings.clear();
        t.run("backup", "--dry-run");
        assertEquals(List.of(), pings);
        assertTrue(alertsJson().contains("backup-failed:gone"));
    }
}
