package org.cfs.backup.schedule;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;

/**
 * A temp dir with a password file and a real local restic repository, a config writer and an
 * in-process runner of cfs-backup commands, for the daemon and prune tests.
 */
public final class DaemonFixture implements AutoCloseable {
    public final Path dir;
    public final Path repo;
    public final Path stateDir;
    public final String id = UUID.randomUUID().toString().substring(0, 8);

    /** The output of one in-process command. */
    public record Result(int exit, String out, String err) {
    }

    public DaemonFixture() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("cfs-it-daemon-");
        repo = dir.resolve("repo");
        stateDir = dir.resolve("state");
        Files.writeString(dir.resolve("pw"), "daemon-test-password\n");
        ProcessBuilder pb = new ProcessBuilder("restic", "init", "-q", "-r", repo.toString());
        pb.environment().put("RESTIC_PASSWORD_FILE", dir.resolve("pw").toString());
        pb.redirectErrorStream(true);
        Process q = pb.start();
        String text = new String(q.getInputStream().readAllBytes());
        if (q.waitFor() != 0) {
            throw new IllegalStateException("restic init failed: " + text);
        }
    }

    /** A config with the given sources/extra YAML (indented as top-level keys). */
    public Path config(String sourcesYaml, String extraYaml) throws IOException {
        String yaml = "host: cfs-it-" + id + "\n"
                + "repository: {url: " + repo + ", password-file: " + dir.resolve("pw") + "}\n"
                + "state-dir: " + stateDir + "\n"
                + "log-dir: " + dir.resolve("log") + "\n"
                + "cache-dir: " + dir.resolve("cache") + "\n"
                + "sources:\n" + sourcesYaml
                + extraYaml;
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, yaml);
        return cfg;
    }

    public static String never() {
        return "\"0 0 0 1 1 ? 2099\"";
    }

    public Result run(Path cfg, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-c", cfg.toString()));
        all.addAll(List.of(args));
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), System.getenv(), new Cancellation(),
                all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs restic on the fixture's repository and returns stdout. */
    public String restic(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("restic", "-r", repo.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RESTIC_PASSWORD_FILE", dir.resolve("pw").toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    public long repoBytes() throws IOException {
        try (Stream<Path> s = Files.walk(repo)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    public static void await(Duration max, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max.toSeconds() + " s waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    public static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    public static String shOut(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    public Map<String, String> env() {
        return System.getenv();
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
