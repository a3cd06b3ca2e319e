package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.process.Cancellation;

/**
 * A throw-away cfs-backup installation for integration tests: a password file, an rclone
 * {@code local} remote standing in for Google Drive, state/log/cache dirs, and Docker volumes and
 * containers with unique names, all removed by {@link #close()}.
 */
public final class ItEnv implements AutoCloseable {
    public static final String IMAGE = "cfs-busybox:latest";
    public static final String PASSWORD = "it-pw-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    public final String id = UUID.randomUUID().toString().substring(0, 8);
    public final Path dir;
    public final Path config;
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();

    /** Result of one in-process command. */
    public record Run(int exit, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    public ItEnv() throws IOException {
        dir = Files.createTempDirectory("cfs-it-" + id + "-");
        Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
        // as an operator keeps it: a world-readable one draws a warning (issue 11)
        Files.setPosixFilePermissions(dir.resolve("pw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("rclone.conf"), "[itdrive]\ntype = local\n");
        config = dir.resolve("config.yaml");
    }

    public String repoPath() {
        return dir.resolve("remote/repo").toString();
    }

    /** Writes the config with these sources (YAML list items, indented by two spaces). */
    public void writeConfig(String sourcesYaml) throws IOException {
        writeConfig(sourcesYaml, "");
    }

    public void writeConfig(String sourcesYaml, String extraYaml) throws IOException {
        String yaml = "host: it-host\n"
                + "repository:\n  url: rclone:itdrive:" + repoPath() + "\n  password-file: " + dir.resolve("pw") + "\n"
                + "rclone:\n  config: " + dir.resolve("rclone.conf") + "\n  remote: itdrive\n"
                + "state-dir: " + dir.resolve("state") + "\n"
                + "log-dir: " + dir.resolve("log") + "\n"
                + "cache-dir: " + dir.resolve("cache") + "\n"
                + "sources:\n" + sourcesYaml + extraYaml;
        Files.writeString(config, yaml);
    }

    public Run cli(String... args) {
        return cli(System.getenv(), new Cancellation(), args);
    }

    public Run cli(Map<String, String> env, Cancellation cancellation, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, cancellation, all);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs a program and returns its stdout; fails the test when it exits non-zero. */
    public static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", cmd));
            }
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + " -> " + out);
            return out.strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String volume(String suffix) {
        String name = "cfs-it-" + id + "-" + suffix;
        sh("docker", "volume", "create", name);
        volumes.add(name);
        return name;
    }

    public Path mountpoint(String volume) {
        return Path.of(sh("docker", "volume", "inspect", "--format", "{{.Mountpoint}}", volume));
    }

    /** Starts a long-running container that mounts the volume at /data. */
    public String container(String suffix, String volume) {
        String name = "cfs-it-" + id + "-" + suffix;
        // --init: PID 1 forwards SIGTERM, so docker stop does not wait out its timeout
        // no network: none is needed, and the engine's docker0 bridge may be gone on a shared host
        sh("docker", "run", "-d", "--init", "--network", "none", "--name", name, "-v", volume + ":/data", IMAGE,
                "/bin/sleep", "3600");
        containers.add(name);
        return name;
    }

    /** A container whose PID 1 is {@code sh -c SCRIPT} (no --init: the script's own traps see SIGTERM). */
    public String shellContainer(String suffix, String volume, String script) {
        String name = "cfs-it-" + id + "-" + suffix;
        containers.add(name);
        sh("docker", "run", "-d", "--network", "none", "--name", name, "-v", volume + ":/data", IMAGE, "sh", "-c", script);
        return name;
    }

    /**
     * A container the test started itself, removed by {@link #close()} with the others, before the
     * volumes: a volume still mounted by a container cannot be removed.
     */
    public void track(String container) {
        containers.add(container);
    }

    public static String state(String container) {
        return sh("docker", "inspect", "--format", "{{.State.Status}}", container);
    }

    /** restic against the test repository, for checks independent of cfs-backup. */
    public String restic(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "RESTIC_PASSWORD_FILE=" + dir.resolve("pw"),
                "RCLONE_CONFIG=" + dir.resolve("rclone.conf"), "restic", "-r", "rclone:itdrive:" + repoPath(),
                "--cache-dir", dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    public JsonNode resticJson(String... args) {
        try {
            return JSON.readTree(restic(args));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (String c : containers) {
            quiet("docker", "rm", "-f", c);
        }
        for (String v : volumes) {
            quiet("docker", "volume", "rm", "-f", v);
        }
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // restic makes its pack files read-only; chmod and retry
                        p.toFile().setWritable(true);
                        p.toFile().delete();
                    }
                });
            }
        }
    }

    private static void quiet(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort clean-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
