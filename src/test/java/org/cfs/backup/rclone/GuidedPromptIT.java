package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code remote setup} with no options on a terminal: the packaged jar under {@code script} (a real
 * pseudo-terminal), answering each prompt as it appears.
 */
class GuidedPromptIT {
    Testbed t;
    Path jar = Path.of("target/cfs-backup.jar");

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.exists(jar), "packaged jar (mvn verify builds it before the ITs)");
        t = new Testbed();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    /** Reads the child's terminal output up to the prompt text, then types the answer. */
    private static void answer(InputStream in, OutputStream keys, StringBuilder seen, StringBuilder all, String prompt,
                               String text) throws IOException {
        while (!seen.toString().contains(prompt)) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("ended before prompt '" + prompt + "': " + seen);
            }
            seen.append((char) c);
            all.append((char) c);
        }
        seen.setLength(0);
        keys.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private String runGuided(String tokenPath) throws Exception {
        String cmd = "java -jar " + jar.toAbsolutePath() + " -c " + t.dir.resolve("config.yaml") + " remote setup";
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(t.env());
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        StringBuilder all = new StringBuilder();
        InputStream in = p.getInputStream();
        OutputStream keys = p.getOutputStream();
        answer(in, keys, seen, all, "OAuth client ID", Testbed.CLIENT_ID);
        answer(in, keys, seen, all, "client secret (not shown): ", Testbed.SECRET);
        answer(in, keys, seen, all, "Token file", tokenPath);
        answer(in, keys, seen, all, "Scope", "");
        answer(in, keys, seen, all, "Root folder ID", "");
        answer(in, keys, seen, all, "Shared drive ID", "");
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), all.toString());
        return all.toString();
    }

    @Test
    void asksForEachValueAndWritesTheRemote() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        String out = runGuided(t.tokenFile().toString());
        assertTrue(out.contains("remote gd written"), out);
        assertFalse(out.contains(Testbed.SECRET), "the secret is not echoed");
        Map<String, String> env = Map.of("RCLONE_CONFIG", t.rcloneConf.toString());
        JsonNode gd = new ObjectMapper().readTree(Testbed.rclone(env, "config", "dump")).get("gd");
        assertEquals(Testbed.SECRET, gd.get("client_secret").asText());
        assertEquals("drive.file", gd.get("scope").asText());
        assertFalse(t.allLogs().contains(Testbed.SECRET));
    }

    @Test
    void onATerminalTheAuthorizeLineHasTheSecret() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        String out = runGuided("");
        assertTrue(out.contains("rclone authorize \"drive\" \"" + Testbed.CLIENT_ID + "\" \"" + Testbed.SECRET + "\""), out);
        assertFalse(Files.exists(t.rcloneConf));
        assertFalse(t.allLogs().contains(Testbed.SECRET), "never in a log");
    }
}
