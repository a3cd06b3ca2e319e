package org.cfs.backup.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cfs-backup}, the launcher users run: each command word gets a class-data-sharing
 * archive of its own, made by its first run and used by the next, and archives of an older build
 * of the jar are removed.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bin/cfs-backup").toAbsolutePath();
    private static final Path JAR = Path.of("target/cfs-backup.jar").toAbsolutePath();

    @TempDir
    Path cds;

    private record Run(int code, String out, String err) {
    }

    private Run run(String extraOpts, String... args) throws Exception {
        return run(null, extraOpts, args);
    }

    /** As {@link #run(String, String...)}, with {@code javaHome}'s bin first on the PATH when not null. */
    private Run run(Path javaHome, String extraOpts, String... args) throws Exception {
        return run(Map.of(), javaHome, extraOpts, args);
    }

    /** As above, with more environment variables. */
    private Run run(Map<String, String> moreEnv, Path javaHome, String extraOpts, String... args) throws Exception {
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            env.put("CFS_BACKUP_JAR", JAR.toString());
            env.put("CFS_BACKUP_CDS_DIR", cds.toString());
            env.put("CFS_BACKUP_JAVA_EXTRA_OPTS", extraOpts);
            env.putAll(moreEnv);
            if (javaHome != null) {
                env.put("PATH", javaHome.resolve("bin") + ":" + env.get("PATH"));
            }
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private List<String> archives() throws IOException {
        try (Stream<Path> s = Files.list(cds)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).sorted().toList();
        }
    }

    @Test
    void eachCommandWordGetsAnArchiveOfItsOwnAndUsesIt() throws Exception {
        String build = Files.getLastModifiedTime(JAR).to(TimeUnit.SECONDS) + "-" + Files.size(JAR);
        Files.writeString(cds.resolve("cfs-backup-1-2-drill.jsa"), "an older build's archive");
        assertEquals(0, run("", "--version").code());
        assertEquals(List.of("cfs-backup-" + build + "-other.jsa"), archives(), "the older build's archive is removed");
        Run help = run("", "-c", "/nonexistent.yaml", "drill", "--help");
        assertEquals(0, help.code(), help.err());
        // regression: one archive for every command, made by whichever ran first, left a drill
        // without its own classes archived (restic started about 0.1 s later)
        assertEquals(List.of("cfs-backup-" + build + "-drill.jsa", "cfs-backup-" + build + "-other.jsa"), archives());
        Run again = run("-Xlog:cds=info:stderr", "-c", "/nonexistent.yaml", "drill", "--help");
        assertEquals(0, again.code(), again.err());
        assertEquals(help.out(), again.out());
        assertTrue(again.err().contains("cfs-backup-" + build + "-drill.jsa"), again.err());
        assertTrue(again.err().contains("Mapped dynamic region"), "archive not used:\n" + again.err());
        assertFalse(again.err().contains("Unable to use shared archive"), again.err());
    }

    @Test
    void anArchiveOlderThanTheJvmIsMadeAgain(@TempDir Path jdk) throws Exception {
        // regression: after an update of the JVM, the JVM refuses the old archive without a word and
        // the launcher, seeing the file, never made a new one: every start went without
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib/server"));
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexec " + realJava + " \"$@\"\n");
        java.toFile().setExecutable(true);
        Path libjvm = Files.writeString(jdk.resolve("lib/server/libjvm.so"), "stands for the JVM's library");
        assertEquals(0, run(jdk, "", "--version").code());
        String build = Files.getLastModifiedTime(JAR).to(TimeUnit.SECONDS) + "-" + Files.size(JAR);
        Path jsa = cds.resolve("cfs-backup-" + build + "-other.jsa");
        assertTrue(Files.size(jsa) > 0);
        // the JVM is updated after the archive was made
        Files.setLastModifiedTime(jsa, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.setLastModifiedTime(libjvm, FileTime.fromMillis(System.currentTimeMillis()));
        Run again = run(jdk, "", "--version");
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.getLastModifiedTime(jsa).toMillis() > System.currentTimeMillis() - 600_000, "the archive was made again");
        Run used = run(jdk, "-Xlog:cds=info:stderr", "--version");
        assertTrue(used.err().contains("Mapped dynamic region"), "archive not used:\n" + used.err());
    }

    /** The JVM's value of one flag, from {@code -XX:+PrintFlagsFinal}, as the launcher started it. */
    private static String flag(Run r, String name) {
        return r.out().lines().filter(l -> l.matches("\\s*\\S+\\s+" + name + "\\s+=.*")).findFirst()
                .map(l -> l.replaceFirst(".*=\\s*(\\S+).*", "$1")).orElse("(not printed)");
    }

    @Test
    void oneCompilerThreadUnlessExtraOptionsBringC2Back() throws Exception {
        Run r = run("-XX:+PrintFlagsFinal", "--version");
        assertEquals(0, r.code(), r.err());
        assertEquals("1", flag(r, "CICompilerCount"), "one C1 thread on a small server");
        assertEquals("1", flag(r, "TieredStopAtLevel"));
        // with C2 asked for, one compiler thread would stop the JVM ("CICompilerCount (1) must be at least 2")
        Run c2 = run("-XX:TieredStopAtLevel=4 -XX:+PrintFlagsFinal", "--version");
        assertEquals(0, c2.code(), c2.err());
        assertEquals("4", flag(c2, "TieredStopAtLevel"));
        assertTrue(Integer.parseInt(flag(c2, "CICompilerCount")) >= 2, c2.out());
        assertTrue(c2.out().contains("cfs-backup "), c2.out());
        // regression: CFS_BACKUP_JAVA_OPTS replaces the launcher's C1-only options, and with it the JVM
        // (C1 and C2) refused the one compiler thread added after them and did not start
        Run own = run(Map.of("CFS_BACKUP_JAVA_OPTS", "-Xmx96m -XX:+PrintFlagsFinal"), null, "", "--version");
        assertEquals(0, own.code(), own.err());
        assertTrue(Integer.parseInt(flag(own, "CICompilerCount")) >= 2, own.out());
        assertTrue(own.out().contains("cfs-backup "), own.out());
    }

    @Test
    void anOddCommandWordNamesNoFile() throws Exception {
        Run r = run("", "../../x");
        assertEquals(2, r.code(), r.err());
        try (Stream<Path> s = Files.list(cds)) {
            assertTrue(s.allMatch(p -> p.getFileName().toString().matches("cfs-backup-[0-9]+-[0-9]+-other\\.jsa")),
                    archives().toString());
        }
    }

    /** Regression (issue 14): every typo wrote an archive of its own (12 MB each, 182 MB in an afternoon). */
    @Test
    void typosShareOneArchiveAndEveryRealCommandWordIsKnownToTheLauncher() throws Exception {
        run("", "mount");
        run("", "moutn");
        run("", "--version");
        assertEquals(1, archives().size(), archives().toString());
        String launcher = Files.readString(Path.of("bin/cfs-backup"));
        for (String name : org.cfs.backup.cli.MainAccess.commandNames()) {
            assertTrue(launcher.contains(" " + name + " "), "the launcher's list of command words lacks " + name);
        }
    }
}
