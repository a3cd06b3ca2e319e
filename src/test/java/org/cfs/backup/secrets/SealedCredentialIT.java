package org.cfs.backup.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restic password sealed with the real systemd-creds opens a real restic repository, run by hand
 * (decrypted through restic's password command) and under a simulated unit ($CREDENTIALS_DIRECTORY,
 * as systemd's LoadCredentialEncrypted= provides it); the clear secret never shows in any
 * process's argument list or environment, nor in the state, log, cache or credentials folders.
 */
class SealedCredentialIT {
    private final String secret = "sealed-pw-" + UUID.randomUUID();
    private Path dir;
    private Path config;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("cfs-cred-it-");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        byte[] b = new byte[16 * 1024 * 1024];
        new Random(7).nextBytes(b);
        Files.write(data.resolve("blob.bin"), b);
        Files.writeString(data.resolve("note.txt"), "hello\n");
        config = dir.resolve("config.yaml");
        Files.writeString(config, """
                repository:
                  url: %1$s/repo
                  password-credential: restic-password
                credentials-dir: %1$s/creds
                state-dir: %1$s/state
                log-dir: %1$s/log
                cache-dir: %1$s/cache
                sources:
                  - name: files
                    path: %1$s/data
                """.formatted(dir));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() throws IOException, InterruptedException {
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }

    private Run run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(Credentials.ENV);
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of("-c", config.toString()));
        a.addAll(List.of(args));
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, new Cancellation(), a.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private void seal(String name, String value) throws IOException {
        Path clear = Files.createTempFile("cfs-cred-clear-", "");
        try {
            Files.writeString(clear, value);
            Run r = run(Map.of(), "secrets", "seal", name, "--from", clear.toString());
            assertEquals(0, r.exit(), r.err());
            Path cred = dir.resolve("creds/" + name + ".cred");
            assertTrue(r.out().contains("LoadCredentialEncrypted=" + name + ":" + cred), r.out());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cred)));
        } finally {
            Files.delete(clear);
        }
    }

    @Test
    void aSealedPasswordOpensTheRepositoryAndNeverShowsInTheClear() throws Exception {
        seal("restic-password", secret);
        assertFalse(Files.readString(dir.resolve("creds/restic-password.cred"), StandardCharsets.ISO_8859_1).contains(secret));

        // every process's argv and environment, watched while cfs-backup and restic run
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger scans = new AtomicInteger();
        AtomicInteger resticSeen = new AtomicInteger();
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                    procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                        for (String f : List.of("cmdline", "environ")) {
                            try {
                                byte[] content = Files.readAllBytes(p.resolve(f));
                                String text = new String(content, StandardCharsets.UTF_8).replace('\0', ' ');
                                if (f.equals("environ") && text.contains("RESTIC_PASSWORD_COMMAND=systemd-creds decrypt")) {
                                    resticSeen.incrementAndGet();
                                }
                                if (indexOf(content, needle) >= 0) {
                                    seen.add(p + "/" + f + ": " + text);
                                }
                            } catch (IOException | SecurityException e) {
                                // the process ended meanwhile
                            }
                        }
                    });
                } catch (IOException e) {
                    // try again
                }
                scans.incrementAndGet();
            }
        });
        watcher.start();
        Run init;
        Run backup;
        try {
            init = run(Map.of(), "init");
            backup = run(Map.of(), "backup", "--json");
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertEquals(0, init.exit(), init.out() + init.err());
        assertEquals(0, backup.exit(), backup.out() + backup.err());
        assertTrue(scans.get() > 3, "the watcher scanned " + scans.get() + " times");
        // the watcher did see restic running with the password command (so it looked at the right processes)
        assertTrue(resticSeen.get() > 0, "no restic with RESTIC_PASSWORD_COMMAND seen in " + scans.get() + " scans");
        assertEquals(List.of(), seen, "the clear secret showed in a process's argv or environment");

        // the sealed secret is the repository's real password: restic itself opens it with the clear text
        ProcessBuilder pb = new ProcessBuilder("restic", "-r", dir.resolve("repo").toString(), "--no-cache", "snapshots",
                "--json", "--tag", "files"); // the source's snapshot (a backup run also saves a cfs-config one)
        pb.environment().put("RESTIC_PASSWORD", secret);
        Process p = pb.start();
        JsonNode snaps = new ObjectMapper().readTree(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals(1, snaps.size(), snaps.toString());

        // under the unit: systemd decrypts into $CREDENTIALS_DIRECTORY; the .cred file is then not needed
        Path runCreds = Files.createTempDirectory("cfs-cred-run-");
        try {
            Process d = new ProcessBuilder("systemd-creds", "decrypt", "--name=restic-password",
                    dir.resolve("creds/restic-password.cred").toString(), runCreds.resolve("restic-password").toString())
                    .redirectErrorStream(true).start();
            String dout = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, d.waitFor(), dout);
            Files.move(dir.resolve("creds/restic-password.cred"), dir.resolve("creds/moved-away"));
            Run under = run(Map.of(Credentials.ENV, runCreds.toString()), "snapshots", "--json");
            assertEquals(0, under.exit(), under.err());
            assertEquals(1, new ObjectMapper().readTree(under.out()).size(), under.out());
            // and without it, the missing credential is one clear line, exit 2
            Run missing = run(Map.of(), "snapshots");
            assertEquals(2, missing.exit(), missing.err());
            assertTrue(missing.err().contains("credential 'restic-password' not found")
                    && missing.err().contains("cfs-backup secrets seal restic-password"), missing.err());
            Files.move(dir.resolve("creds/moved-away"), dir.resolve("creds/restic-password.cred"));
        } finally {
            new ProcessBuilder("rm", "-rf", runCreds.toString()).start().waitFor();
        }

        // a credential sealed from another password does not open the repository
        seal("restic-password", "not-" + secret);
        Run wrong = run(Map.of(), "snapshots");
        assertNotEquals(0, wrong.exit(), wrong.out());

        // nothing under the state, log, cache or credentials folders holds the clear secret
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertTrue(indexOf(Files.readAllBytes(f), needle) < 0, "clear secret in " + f);
            }
        }
        for (Run r : List.of(init, backup, wrong)) {
            assertFalse(r.out().contains(secret) || r.err().contains(secret));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
