package org.cfs.backup.restore;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;

/**
 * A throw-away cfs-backup set-up for the restore/drill/check ITs: a password file, an rclone
 * {@code local} remote holding the repository, state and log dirs, and a config with the given
 * sources; plus helpers to run commands in-process and to describe a file tree exactly.
 */
public final class RestoreFixture {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final Path dir;
    public final Path repo;
    public final Path config;
    public final String id = "cfs-it-restore-" + UUID.randomUUID().toString().substring(0, 8);

    public RestoreFixture(Path dir, String sourcesYaml) throws IOException {
        this.dir = dir;
        this.repo = dir.resolve("remote/repo");
        Files.createDirectories(dir.resolve("remote"));
        Files.writeString(dir.resolve("password"), "it-password\n");
        Files.writeString(dir.resolve("rclone.conf"), "[itlocal]\ntype = local\n");
        this.config = dir.resolve("config.yaml");
        Files.writeString(config, """
                host: cfs-it-host
                repository:
                  url: rclone:itlocal:%s
                  password-file: %s
                rclone:
                  config: %s
                  remote: itlocal
                state-dir: %s
                log-dir: %s
                cache-dir: %s
                sources:
                %s
                """.formatted(repo, dir.resolve("password"), dir.resolve("rclone.conf"), dir.resolve("state"),
                dir.resolve("log"), dir.resolve("cache"), sourcesYaml.indent(2)));
    }

    /** The outcome of one in-process command. */
    public record Run(int code, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON (exit " + code + "): " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    public Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), System.getenv(), new Cancellation(), all);
        return new Run(code, out.toString(), err.toString());
    }

    public Run ok(String... args) {
        Run r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("cfs-backup " + String.join(" ", args) + " failed: " + r);
        }
        return r;
    }

    /** Initialises the repository and backs up; returns the new snapshot's short id of the (only) source. */
    public String initAndBackup(String source) {
        ok("init");
        return backup(source);
    }

    public String backup(String source) {
        JsonNode j = ok("backup", source, "--json").json();
        return j.get("sources").get(0).get("snapshot_id").asText();
    }

    /**
     * Every entry below the root with what a restore must keep: type, size, SHA-256 of the bytes,
     * uid, gid, mode, mtime (ns), link target, and for files the link count and the group of names
     * sharing an inode (hard links).
     */
    public static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, List<String>> inodes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                add(d, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                add(f, attrs);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(p).toString();
                Map<String, Object> u = Files.readAttributes(p, "unix:uid,gid,mode,nlink,ino", LinkOption.NOFOLLOW_LINKS);
                StringBuilder sb = new StringBuilder();
                sb.append(attrs.isSymbolicLink() ? "link" : attrs.isDirectory() ? "dir" : "file");
                sb.append(" uid=").append(u.get("uid")).append(" gid=").append(u.get("gid"));
                if (!attrs.isSymbolicLink()) {
                    sb.append(" mode=").append(Integer.toOctalString((Integer) u.get("mode") & 07777));
                    sb.append(" mtime=").append(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS));
                }
                if (attrs.isSymbolicLink()) {
                    sb.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (attrs.isRegularFile()) {
                    sb.append(" size=").append(attrs.size()).append(" nlink=").append(u.get("nlink"));
                    try (var in = Files.newInputStream(p)) {
                        sb.append(" sha=").append(java.util.HexFormat.of().formatHex(
                                java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                    inodes.computeIfAbsent(u.get("ino"), k -> new ArrayList<>()).add(rel);
                }
                out.put(rel.isEmpty() ? "." : rel, sb.toString());
            }
        });
        for (List<String> names : inodes.values()) {
            if (names.size() > 1) {
                out.put("hardlinks:" + String.join(",", names.stream().sorted().toList()), "same inode");
            }
        }
        return out;
    }

    /** Runs a program to its end and returns its stdout (for docker, mariadb in tests). */
    public static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            int code = p.waitFor();
            if (code != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + code + ": " + out);
            }
            return out.strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Like {@link #sh} but ignores the exit code (clean-up). */
    public static void quiet(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (IOException e) {
            // nothing to clean
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
