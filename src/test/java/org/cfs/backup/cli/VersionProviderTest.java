package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@code --version}: the pom's version (filtered at build time), the commit, restic's and rclone's versions. */
class VersionProviderTest {
    @Test
    void versionLineCarriesThePomVersionAndTheCommit() throws Exception {
        String pomVersion = pomVersion();
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
        assertEquals(0, code);
        String[] lines = out.toString().split("\n");
        assertEquals("cfs-backup " + pomVersion, lines[0].substring(0, lines[0].indexOf(" (commit ")));
        assertFalse(lines[0].contains("dev"), lines[0]);
        // the build ran in a git checkout: the real abbreviated commit, as git itself prints it
        Process git = new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD").start();
        String head = new String(git.getInputStream().readAllBytes()).strip();
        if (git.waitFor() == 0) {
            assertTrue(lines[0].endsWith("(commit " + head + ")"), lines[0] + " vs HEAD " + head);
        }
        assertTrue(lines[1].matches("restic \\d+\\.\\d+\\.\\d+.*"), lines[1]);
        assertTrue(lines[2].matches("rclone v\\d+\\.\\d+\\.\\d+.*"), lines[2]);
    }

    @Test
    void aMissingToolIsSaidNotHidden() {
        VersionProvider vp = new VersionProvider(Map.of("CFS_BACKUP_RESTIC", "/nonexistent/restic"));
        String[] v = vp.getVersion();
        assertEquals("restic: not found (/nonexistent/restic)", v[1]);
    }

    @Test
    void theFilteredResourceHasNoPlaceholderLeft() {
        var p = VersionProvider.buildInfo();
        assertFalse(p.getProperty("version").contains("${"));
        assertFalse(p.getProperty("commit").contains("${"));
    }

    private static String pomVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        var m = Pattern.compile("<artifactId>cfs-backup</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find());
        return m.group(1);
    }
}
