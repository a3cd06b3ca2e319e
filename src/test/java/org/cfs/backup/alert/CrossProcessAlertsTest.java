package org.cfs.backup.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs raising the same conditions at once on one state dir: the file lock makes every
 * read-modify-write whole, so each condition is sent exactly once and none is lost.
 */
class CrossProcessAlertsTest {
    @TempDir
    Path state;

    @Test
    void twoProcessesSendEachConditionOnce() throws Exception {
        int n = 40;
        try (RecordingHttpServer server = new RecordingHttpServer()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> procs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        RaiseMany.class.getName(), state.toString(), server.url("/hook"), String.valueOf(n))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process p : procs) {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                assertEquals(0, p.exitValue());
            }
            assertEquals(n, server.requests("/hook").size(), "each key sent once by one of the two processes");
            List<Alerts.OpenAlert> open = ChannelAlerts.fromConfig(List.of(), state, "t", Clock.systemUTC(),
                    Backoff.none(), null).open();
            assertEquals(n, open.size(), "no update lost");
        }
    }
}
