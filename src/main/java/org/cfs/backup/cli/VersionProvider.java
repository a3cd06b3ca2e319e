package org.cfs.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the pom's version and git commit (from {@code version.properties}, filtered by
 * Maven at build time) and the versions of the restic and rclone this run would use.
 */
final class VersionProvider implements IVersionProvider {
    static final String RESOURCE = "/org/cfs/backup/version.properties";

    private final Map<String, String> env;

    VersionProvider() {
        this(System.getenv());
    }

    VersionProvider(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String[] getVersion() {
        Properties p = buildInfo();
        String commit = p.getProperty("commit", "unknown");
        List<String> lines = new ArrayList<>();
        lines.add("cfs-backup " + p.getProperty("version") + " (commit " + commit + ")");
        lines.add(toolVersion("restic", List.of("version")));
        lines.add(toolVersion("rclone", List.of("version")));
        return lines.toArray(String[]::new);
    }

    /** The build's version properties; a jar without them is a broken build, not "dev". */
    static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("version.properties missing from the jar (not built by Maven?)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        if (v.isEmpty() || v.contains("${")) {
            throw new IllegalStateException("version.properties not filtered: " + v);
        }
        String c = p.getProperty("commit", "");
        if (c.isEmpty() || c.contains("${")) {
            p.setProperty("commit", "unknown");
        }
        return p;
    }

    /** The first line of {@code TOOL version} (binary from CFS_BACKUP_TOOL, as {@link Services#binary}). */
    String toolVersion(String tool, List<String> args) {
        String override = env.get("CFS_BACKUP_" + tool.toUpperCase(java.util.Locale.ROOT));
        String binary = override == null || override.isBlank() ? tool : override;
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buf);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return tool + ": " + binary + " did not answer";
            }
            String first = buf.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (p.exitValue() != 0 || first.isEmpty()) {
                return tool + ": " + binary + " failed (exit " + p.exitValue() + ")";
            }
            return first.startsWith(tool) ? first : tool + " " + first;
        } catch (IOException e) {
            return tool + ": not found (" + binary + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return tool + ": interrupted";
        }
    }
}
