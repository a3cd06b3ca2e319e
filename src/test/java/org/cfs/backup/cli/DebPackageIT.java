package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The .deb that {@code mvn package} built (Failsafe runs after the package phase), read with the
 * real dpkg-deb: version, relations, contents at Debian's places with their modes, conffiles,
 * maintainer scripts. bin/test-package installs it into a clean Debian root.
 */
class DebPackageIT {
    private static Path deb;
    private static Map<String, String> modes;

    @BeforeAll
    static void findDeb() throws Exception {
        String version = pomVersion().replaceAll("-SNAPSHOT$", "~SNAPSHOT");
        deb = Path.of("target", "cfs-backup_" + version + "_all.deb");
        assertTrue(Files.isRegularFile(deb), deb + " was not built by mvn package");
        modes = new HashMap<>();
        for (String line : run("dpkg-deb", "-c", deb.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            String path = f[5].replaceFirst("^\\./", "/");
            modes.put(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path, f[0]);
        }
    }

    @Test
    void controlFieldsAreTheIssuesOnes() throws Exception {
        String version = pomVersion().replaceAll("-SNAPSHOT$", "~SNAPSHOT");
        assertEquals(version, field("Version"));
        assertEquals("all", field("Architecture"));
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless, restic, rclone", field("Depends"));
        assertEquals("docker.io | docker-ce, mariadb-client, sqlite3", field("Recommends"));
        if (version.endsWith("~SNAPSHOT")) {
            // a pre-release sorts before the release it leads to
            String release = version.substring(0, version.length() - "~SNAPSHOT".length());
            Process p = new ProcessBuilder("dpkg", "--compare-versions", version, "lt", release).start();
            assertEquals(0, p.waitFor(), version + " should sort before " + release);
        }
    }

    @Test
    void filesAreAtDebiansPlacesWithTheirModes() throws Exception {
        assertMode("/usr/bin/cfs-backup", "-rwxr-xr-x");
        assertMode("/usr/share/cfs-backup/cfs-backup.jar", "-rw-r--r--");
        assertMode("/lib/systemd/system/cfs-backup.service", "-rw-r--r--");
        assertMode("/etc/cfs-backup/config.yaml", "-rw-r-----");
        assertMode("/etc/cfs-backup/credentials", "drwx------");
        assertMode("/etc/logrotate.d/cfs-backup", "-rw-r--r--");
        assertMode("/usr/share/bash-completion/completions/cfs-backup", "-rw-r--r--");
        assertMode("/usr/share/man/man1/cfs-backup.1.gz", "-rw-r--r--");
        for (String name : RootCommand.commandNames()) {
            assertMode("/usr/share/man/man1/cfs-backup-" + name + ".1.gz", "-rw-r--r--");
        }
        for (String doc : List.of("README.md", "copyright", "changelog.gz", "daemon.md", "restore.md")) {
            assertMode("/usr/share/doc/cfs-backup/" + doc, "-rw-r--r--");
        }
        // the packaged unit starts the packaged launcher
        Path x = Files.createTempDirectory("cfs-deb-");
        try {
            run("dpkg-deb", "-x", deb.toString(), x.toString());
            String unit = Files.readString(x.resolve("lib/systemd/system/cfs-backup.service"));
            assertTrue(unit.contains("\nExecStart=/usr/bin/cfs-backup daemon\n"), unit);
            String launcher = Files.readString(x.resolve("usr/bin/cfs-backup"));
            assertTrue(launcher.contains("/usr/share/cfs-backup/cfs-backup.jar"), launcher);
        } finally {
            run("rm", "-rf", x.toString());
        }
    }

    @Test
    void conffilesAndMaintainerScripts() throws Exception {
        Path x = Files.createTempDirectory("cfs-deb-control-");
        try {
            run("dpkg-deb", "-e", deb.toString(), x.toString());
            assertEquals(List.of("/etc/cfs-backup/config.yaml", "/etc/logrotate.d/cfs-backup"),
                    Files.readAllLines(x.resolve("conffiles")));
            for (String script : List.of("postinst", "prerm", "postrm")) {
                assertTrue(Files.isExecutable(x.resolve(script)), script);
                // a syntax error in a maintainer script breaks dpkg for the admin: sh -n reads it
                run("sh", "-n", x.resolve(script).toString());
            }
            String postinst = Files.readString(x.resolve("postinst"));
            assertTrue(postinst.contains("install -d -m 0700 /var/lib/cfs-backup"));
            assertTrue(postinst.contains("install -d -m 0750 /var/log/cfs-infra"));
        } finally {
            run("rm", "-rf", x.toString());
        }
    }

    private static void assertMode(String path, String mode) {
        assertEquals(mode, modes.get(path), path + " in " + deb);
    }

    private static String field(String name) throws Exception {
        return run("dpkg-deb", "-f", deb.toString(), name).strip();
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String pomVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>cfs-backup</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }
}
