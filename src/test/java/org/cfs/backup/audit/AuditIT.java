package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The isolation audit against the real Docker engine and real files. The audit inspects every
 * container on the engine; the assertions look only at the containers and files this test made
 * (other tests may run containers beside it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "cfs-busybox:latest";

    private final String prefix = "cfs-it-audit-" + UUID.randomUUID().toString().substring(0, 8);
    private final String resticPassword = "it-restic-pw-" + UUID.randomUUID();
    private final String namedSecret = "it-api-key-" + UUID.randomUUID();
    private final List<String> containers = new ArrayList<>();
    private Path dir;
    private Path protectedDir;
    private Path passwordFile;
    private Path home;
    private Path workspace;
    private Path config;

    private String name(String suffix) {
        return prefix + "-" + suffix;
    }

    /** Runs docker with extra environment (so test secrets never sit on a command line). */
    private static int docker(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private void run(String suffix, Map<String, String> env, String... opts) throws IOException, InterruptedException {
        containers.add(name(suffix));
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name(suffix)));
        args.addAll(List.of(opts));
        args.addAll(List.of(IMAGE, "sleep", "600"));
        assertEquals(0, docker(env, args.toArray(String[]::new)), "docker run " + suffix);
    }

    @BeforeAll
    void setUp() throws Exception {
        dir = Files.createTempDirectory("cfs-it-audit-");
        protectedDir = Files.createDirectories(dir.resolve("cfs-infra"));
        passwordFile = dir.resolve("restic-password");
        Files.writeString(passwordFile, resticPassword + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));

        home = Files.createDirectories(dir.resolve("antigravity/data/kasm-profile-persistent"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "not a key");
        Files.writeString(home.resolve(".bashrc"), "export A=1\n");
        for (Path p : List.of(home, home.resolve(".ssh"), home.resolve(".ssh/id_ed25519"), home.resolve(".bashrc"))) {
            Files.setAttribute(p, "unix:uid", 1000);
            Files.setAttribute(p, "unix:gid", 1000);
        }
        Files.writeString(home.resolve(".ssh/known_hosts"), "written by root\n"); // the drift: uid 0

        workspace = Files.createDirectories(dir.resolve("workspaces/project"));
        Files.writeString(workspace.resolve("up.sh"), String.join("\n",
                "#!/bin/sh",
                "# docker run --privileged is what we avoid",
                "docker ps",
                "docker run -d --privileged -v /var/run/docker.sock:/var/run/docker.sock agent",
                "docker logs agent") + "\n");
        Files.writeString(workspace.resolve("NOTES.md"), "Run `sudo usermod -aG docker me` and `setcap` at your own risk.\n");

        run("rw", Map.of(), "-v", protectedDir + ":/data");
        run("ro", Map.of(), "-v", protectedDir + ":/data:ro");
        run("named-secret", Map.of("APP_API_KEY", namedSecret), "-e", "APP_API_KEY");
        run("held-secret", Map.of("SOME_SETTING", resticPassword), "-e", "SOME_SETTING");
        run("sock", Map.of(), "-v", "/var/run/docker.sock:/var/run/docker.sock:ro");
        // this engine may refuse to start privileged containers (no caps to give): a created one
        // counts the same, since anyone can start it
        containers.add(name("priv"));
        assertEquals(0, docker(Map.of(), "create", "--name", name("priv"), "--privileged", IMAGE, "sleep", "600"));
        docker(Map.of(), "start", name("priv"));

        config = dir.resolve("config.yaml");
        Files.writeString(config, String.join("\n",
                "repository:",
                "  url: " + dir.resolve("repo"),
                "  password-file: " + passwordFile,
                "state-dir: " + dir.resolve("state"),
                "log-dir: " + dir.resolve("log"),
                "sources:",
                "  - name: antigravity-home",
                "    path: " + home,
                "audit:",
                "  workspaces: [" + workspace.getParent() + "]",
                "  protected-paths: [" + protectedDir + "]",
                "  allow:",
                "    - rule: docker-socket",
                "      subject: " + name("sock"),
                "      reason: Portainer-style management container, LAN only") + "\n");
    }

    @AfterAll
    void tearDown() throws Exception {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(containers);
        docker(Map.of(), rm.toArray(String[]::new));
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run audit(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("-c", config.toString(), "audit"));
        args.addAll(List.of(extra));
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), System.getenv(), new Cancellation(),
                args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Our findings only: subjects of our containers and files. */
    private List<JsonNode> ours(JsonNode doc) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            String s = f.path("subject").asText();
            if (s.startsWith(prefix) || s.startsWith(dir.toString())) {
                out.add(f);
            }
        }
        return out;
    }

    private static JsonNode one(List<JsonNode> findings, String rule, String subject) {
        List<JsonNode> hit = findings.stream()
                .filter(f -> f.path("rule").asText().equals(rule) && f.path("subject").asText().equals(subject)).toList();
        assertEquals(1, hit.size(), rule + " on " + subject + " in " + findings);
        return hit.get(0);
    }

    private void assertNoSecret(String text) {
        assertFalse(text.contains(resticPassword), "the restic password leaked");
        assertFalse(text.contains(namedSecret), "the env secret leaked");
    }

    @Test
    void findsEveryPlantedRiskAndListsTheAllowedException() throws IOException {
        long t0 = System.nanoTime();
        Run r = audit("--json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.exit(), r.err());
        assertNoSecret(r.out() + r.err());
        JsonNode doc = JSON.readTree(r.out());
        List<JsonNode> f = ours(doc);

        JsonNode rw = one(f, "protected-mount-writable", name("rw") + ":/data");
        assertEquals("critical", rw.path("severity").asText());
        assertFalse(rw.path("allowed").asBoolean());
        assertTrue(rw.path("detail").asText().contains(protectedDir.toString()), rw.toString());
        assertTrue(f.stream().noneMatch(x -> x.path("subject").asText().startsWith(name("ro"))),
                "the read-only mount is fine: " + f);

        JsonNode named = one(f, "container-secret-env", name("named-secret") + ":APP_API_KEY");
        assertEquals("critical", named.path("severity").asText());
        JsonNode held = one(f, "container-secret-env", name("held-secret") + ":SOME_SETTING");
        assertEquals("critical", held.path("severity").asText());
        assertTrue(held.path("detail").asText().contains("restic repository password"), held.toString());

        assertEquals("critical", one(f, "privileged-container", name("priv")).path("severity").asText());

        JsonNode sock = one(f, "docker-socket", name("sock") + ":/var/run/docker.sock");
        assertTrue(sock.path("allowed").asBoolean(), sock.toString());
        assertEquals("Portainer-style management container, LAN only", sock.path("reason").asText());

        JsonNode pw = one(f, "secret-file-permissions", passwordFile.toString());
        assertEquals("critical", pw.path("severity").asText());
        assertTrue(pw.path("detail").asText().contains("0644"), pw.toString());

        JsonNode drift = one(f, "home-ownership", home.toString());
        assertEquals("warning", drift.path("severity").asText());
        assertTrue(drift.path("detail").asText().contains(".ssh/known_hosts (uid 0)"), drift.toString());

        String script = workspace.resolve("up.sh").toString();
        JsonNode priv = one(f, "privileged-container", script + ":4");
        assertEquals(script, priv.path("file").asText());
        assertEquals(4, priv.path("line").asInt());
        one(f, "docker-socket", script + ":4");
        assertTrue(f.stream().noneMatch(x -> x.path("subject").asText().matches(".*up\\.sh:[1235]")), f.toString());
        assertTrue(f.stream().noneMatch(x -> x.path("subject").asText().contains("NOTES.md")), f.toString());

        assertTrue(doc.path("critical").asInt() >= 6, doc.toString());
        assertEquals("critical", doc.path("status").asText());
        assertTrue(seconds < 15, "the audit took " + seconds + " s");

        String log = Files.readString(dir.resolve("log/cfs-backup.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("op=audit outcome=critical"), log);
        String history = Files.readString(dir.resolve("state/history.jsonl"), StandardCharsets.UTF_8);
        assertTrue(history.contains("\"job\":\"audit\""), history);
        assertNoSecret(log + history);

        Run human = audit();
        assertEquals(1, human.exit());
        assertNoSecret(human.out() + human.err());
        assertTrue(human.out().contains("allowed   docker-socket"), human.out());
        assertTrue(human.out().contains("allowed: Portainer-style management container, LAN only"), human.out());
        assertTrue(human.out().contains(script + ":4"), human.out());
    }

    @Test
    void fixingAFileMakesItsFindingGo() throws IOException {
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        try {
            Run r = audit("--json");
            List<JsonNode> f = ours(JSON.readTree(r.out()));
            assertTrue(f.stream().noneMatch(x -> x.path("rule").asText().equals("secret-file-permissions")), f.toString());
            one(f, "home-ownership", home.toString());
        } finally {
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
