package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit --json} end to end in-process, with real files and a stand-in {@code docker}
 * program ($CFS_BACKUP_DOCKER) so the engine's other containers cannot change the exit code:
 * 0 clean, 3 warnings only, 1 critical, allowed findings listed without failing.
 */
class AuditCommandTest {
    @TempDir
    Path dir;
    private Path home;
    private Path workspace;
    private Path docker;
    private final Map<String, String> env = new HashMap<>(System.getenv());

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root");
        Path pw = dir.resolve("restic-password");
        Files.writeString(pw, "unit-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        home = Files.createDirectories(dir.resolve("data/kasm-profile-persistent"));
        Files.writeString(home.resolve(".bashrc"), "x\n");
        Files.setAttribute(home, "unix:uid", 1000);
        Files.setAttribute(home.resolve(".bashrc"), "unix:uid", 1000);
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("ok.sh"), "#!/bin/sh\ndocker ps\ndocker logs web\n");
        docker = fakeDocker("ps) exit 0 ;;\n  *) echo '[]' ;;");
        writeConfig("");
    }

    private Path fakeDocker(String cases) throws IOException {
        Path f = dir.resolve("docker-" + Math.abs(cases.hashCode()));
        Files.writeString(f, "#!/bin/sh\ncase \"$1\" in\n  " + cases + "\nesac\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("CFS_BACKUP_DOCKER", f.toString());
        return f;
    }

    private void writeConfig(String allow) throws IOException {
        // a clean host keeps the restic password sealed (a clear-text file is a warning where systemd-creds works)
        Path creds = Files.createDirectories(dir.resolve("credentials"));
        Path cred = creds.resolve("restic-password.cred");
        if (!Files.exists(cred)) {
            Files.writeString(cred, "sealed\n");
            Files.setPosixFilePermissions(cred, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                "repository: {url: " + dir.resolve("repo") + ", password-credential: restic-password}",
                "credentials-dir: " + creds,
                "state-dir: " + dir.resolve("state"),
                "log-dir: " + dir.resolve("log"),
                "sources:",
                "  - {name: antigravity-home, path: " + home + "}",
                "audit:",
                "  workspaces: [" + workspace + "]",
                "  protected-paths: [/opt/cfs-infra]",
                allow) + "\n");
    }

    private record Result(int exit, JsonNode doc, String err) {
    }

    private Result audit() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, new Cancellation(),
                "-c", dir.resolve("config.yaml").toString(), "audit", "--json");
        return new Result(code, new ObjectMapper().readTree(out.toString()), err.toString());
    }

    /** Issue 15: a clear-text password file is a warning when it could be sealed. */
    @Test
    void aClearTextPasswordFileIsAWarningWhereItCouldBeSealed() throws IOException {
        Assumptions.assumeTrue(org.cfs.backup.audit.SecretFilesRule.sealingAvailable(), "systemd-creds installed");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("password-credential: restic-password", "password-file: " + dir.resolve("restic-password")));
        Result r = audit();
        assertEquals(3, r.exit(), r.doc().toString());
        JsonNode f = r.doc().path("findings").get(0);
        assertEquals("secret-in-clear-text", f.path("rule").asText(), r.doc().toString());
        assertTrue(f.path("detail").asText().contains("cfs-backup secrets seal restic-password"), f.toString());
        assertFalse(r.doc().toString().contains("unit-pw"), "the secret itself is never shown");
    }

    @Test
    void cleanHostExitsZero() throws IOException {
        Result r = audit();
        assertEquals(0, r.exit(), r.doc() + r.err());
        assertEquals("ok", r.doc().path("status").asText());
        assertEquals(0, r.doc().path("findings").size(), r.doc().toString());
        assertTrue(Files.readString(dir.resolve("log/cfs-backup.log")).contains("op=audit outcome=ok"));
        assertTrue(Files.readString(dir.resolve("state/history.jsonl")).contains("\"status\":\"ok\""));
    }

    @Test
    void warningsOnlyExitThree() throws IOException {
        Files.setAttribute(home.resolve(".bashrc"), "unix:uid", 0);
        Result r = audit();
        assertEquals(3, r.exit(), r.doc().toString());
        assertEquals("warning", r.doc().path("status").asText());
        JsonNode f = r.doc().path("findings").get(0);
        assertEquals(List.of("rule", "severity", "subject", "detail", "file", "line", "allowed", "reason"),
                iterable(f));
        assertEquals("home-ownership", f.path("rule").asText());
        assertEquals("warning", f.path("severity").asText());
    }

    @Test
    void anUnreachableEngineIsAWarningNotAPass() throws IOException {
        fakeDocker("*) echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' >&2; exit 1 ;;");
        Result r = audit();
        assertEquals(3, r.exit(), r.doc().toString());
        JsonNode f = r.doc().path("findings").get(0);
        assertEquals("audit-incomplete", f.path("rule").asText());
        assertEquals("docker", f.path("subject").asText());
        assertTrue(f.path("detail").asText().contains("Cannot connect"), f.toString());
    }

    @Test
    void criticalExitsOneUnlessAllowed() throws IOException {
        Files.writeString(workspace.resolve("bad.sh"), "#!/bin/sh\n\nsudo nsenter -t 1 -m sh\n");
        Result r = audit();
        assertEquals(1, r.exit());
        JsonNode f = r.doc().path("findings").get(0);
        assertEquals("nsenter", f.path("rule").asText());
        assertEquals(workspace.resolve("bad.sh") + ":3", f.path("subject").asText());
        assertEquals(3, f.path("line").asInt());

        writeConfig("  allow:\n    - {rule: nsenter, subject: " + workspace.resolve("bad.sh") + ", reason: \"debugging tool, reviewed\"}");
        Result allowed = audit();
        assertEquals(0, allowed.exit(), allowed.doc().toString());
        JsonNode a = allowed.doc().path("findings").get(0);
        assertTrue(a.path("allowed").asBoolean());
        assertEquals("debugging tool, reviewed", a.path("reason").asText());
        assertEquals(1, allowed.doc().path("allowed").asInt());
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
