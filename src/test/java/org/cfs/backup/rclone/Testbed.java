package org.cfs.backup.rclone;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;

/**
 * A temp dir with a cfs-backup config, an rclone.conf and a stand-in {@code rclone} (used through
 * {@code CFS_BACKUP_RCLONE}) that logs its arguments and, when told, answers {@code about} with a
 * chosen JSON or error text; everything else goes to the real rclone.
 */
public final class Testbed implements AutoCloseable {
    public static final String CLIENT_ID = "123456789012-cfsbackuptest.apps.googleusercontent.com";
    public static final String SECRET = "GOCSPX-cfsTestSecret-" + UUID.randomUUID().toString().substring(0, 8);
    public static final String ACCESS = "ya29.cfsTestAccess" + UUID.randomUUID().toString().substring(0, 8);
    public static final String REFRESH = "1//cfsTestRefresh" + UUID.randomUUID().toString().substring(0, 8);

    public final Path dir;
    public final Path rcloneConf;
    public final Path standin;
    public final Path argvLog;
    public String out;
    public String err;

    public Testbed() throws IOException {
        dir = Files.createTempDirectory("cfs-it-remote-");
        rcloneConf = dir.resolve("rclone.conf");
        argvLog = dir.resolve("argv.log");
        standin = dir.resolve("rclone-standin");
        Files.writeString(standin, "#!/bin/sh\n"
                + "printf '%s\\n' \"$*\" >> '" + argvLog + "'\n"
                + "if [ \"$1\" = about ] && [ -f '" + dir.resolve("about.exit") + "' ]; then\n"
                + "  [ -f '" + dir.resolve("about.json") + "' ] && cat '" + dir.resolve("about.json") + "'\n"
                + "  [ -f '" + dir.resolve("about.err") + "' ] && cat '" + dir.resolve("about.err") + "' >&2\n"
                + "  exit $(cat '" + dir.resolve("about.exit") + "')\n"
                + "fi\n"
                + "exec rclone \"$@\"\n");
        Files.setPosixFilePermissions(standin, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("restic-password"), "test-repo-password\n");
        // as a host keeps it (a readable one draws the warning of issue 11 on every command)
        Files.setPosixFilePermissions(dir.resolve("restic-password"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("data"));
    }

    /** The stand-in answers {@code about} with this stdout/stderr and exit code from now on. */
    public void about(String json, String stderr, int exit) throws IOException {
        Files.deleteIfExists(dir.resolve("about.json"));
        Files.deleteIfExists(dir.resolve("about.err"));
        if (json != null) {
            Files.writeString(dir.resolve("about.json"), json);
        }
        if (stderr != null) {
            Files.writeString(dir.resolve("about.err"), stderr);
        }
        Files.writeString(dir.resolve("about.exit"), Integer.toString(exit));
    }

    public void realAbout() throws IOException {
        Files.deleteIfExists(dir.resolve("about.exit"));
    }

    public Path tokenFile() throws IOException {
        Path tok = dir.resolve("token.json");
        Files.writeString(tok, "{\"access_token\":\"" + ACCESS + "\",\"token_type\":\"Bearer\",\"refresh_token\":\""
                + REFRESH + "\",\"expiry\":\"2026-11-22T09:00:00.000000000Z\"}\n");
        return tok;
    }

    /**
     * Writes config.yaml.
     *
     * @param extra more YAML at the end (quota thresholds, rclone config-password-file, ...)
     */
    public Path config(String repoUrl, String remote, String rcloneExtra, String extra) throws IOException {
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, "host: cfs-it-remote\n"
                + "repository:\n  url: " + repoUrl + "\n  password-file: " + dir.resolve("restic-password") + "\n"
                + "rclone:\n  config: " + rcloneConf + "\n  remote: " + remote + "\n" + (rcloneExtra == null ? "" : rcloneExtra)
                + "state-dir: " + dir.resolve("state") + "\n"
                + "log-dir: " + dir.resolve("log") + "\n"
                + "cache-dir: " + dir.resolve("cache") + "\n"
                + "sources:\n  - name: data\n    path: " + dir.resolve("data") + "\n"
                + (extra == null ? "" : extra));
        return cfg;
    }

    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CFS_BACKUP_RCLONE", standin.toString());
        env.remove("RCLONE_CONFIG");
        env.remove("RCLONE_CONFIG_PASS");
        return env;
    }

    /** Runs cfs-backup in-process; keeps stdout and stderr in {@link #out} and {@link #err}. */
    public int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-c", dir.resolve("config.yaml").toString()));
        all.addAll(List.of(args));
        int code = Main.run(new PrintWriter(o), new PrintWriter(e), env(), new Cancellation(), all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    /** The real rclone, as a test checks with it. */
    public static String rclone(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("rclone"));
        cmd.addAll(List.of(args));
        cmd.add("--ask-password=false");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("RCLONE_CONFIG_PASS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("rclone " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    /** Every file a run may have written text to: audit log, state, argv log of the stand-in. */
    public String allLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path d : List.of(dir.resolve("log"), dir.resolve("state"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    sb.append(Files.readString(f));
                }
            }
        }
        if (Files.exists(argvLog)) {
            sb.append(Files.readString(argvLog));
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
