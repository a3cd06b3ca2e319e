package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;

/** Command-line plumbing: lazy command registration, help, usage errors. */
class MainTest {
    private record Out(int code, String out, String err) {
    }

    private static Out run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Out(code, out.toString(), err.toString());
    }

    @Test
    void commandWordSkipsGlobalOptionsAndTheConfigValue() {
        assertEquals("backup", Main.commandWord(new String[] {"-c", "snapshots", "-v", "backup", "--json"}));
        assertEquals("quota", Main.commandWord(new String[] {"--config=/x.yaml", "quota"}));
        assertNull(Main.commandWord(new String[] {"-v"}));
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        Out o = run("--help");
        assertEquals(0, o.code());
        for (String name : RootCommand.commandNames()) {
            assertTrue(o.out().contains("  " + name + " "), name + " missing from\n" + o.out());
        }
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String name : RootCommand.commandNames()) {
            Out o = run(name, "--help");
            assertEquals(0, o.code(), name + ": " + o.err());
            assertTrue(o.out().startsWith("Usage: cfs-backup " + name), o.out());
        }
    }

    @Test
    void unknownCommandAndUnknownOptionAreUsageErrors() {
        assertEquals(ExitCode.USAGE, run("frobnicate").code());
        Out o = run("backup", "--no-such-flag");
        assertEquals(ExitCode.USAGE, o.code());
        assertTrue(o.err().contains("--no-such-flag"), o.err());
    }

    @Test
    void missingConfigIsOneLineExitTwo() {
        Out o = run("-c", "/nonexistent/cfs.yaml", "snapshots");
        assertEquals(ExitCode.USAGE, o.code());
        assertEquals("cfs-backup: config file /nonexistent/cfs.yaml not found (use -c FILE or CFS_BACKUP_CONFIG)",
                o.err().strip());
    }

    /** Regressions (issue 14): `help COMMAND` works, every help lists the exit codes, -v after the command word. */
    @Test
    void helpCommandExitCodesAndVerboseAfterTheCommandWord() {
        Out help = run("help", "backup");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: cfs-backup backup"), help.out());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("130"), help.out());
        assertTrue(help.out().contains("Examples:") && help.out().contains("cfs-backup backup open-webui mariadb"), help.out());
        for (String name : RootCommand.commandNames()) {
            Out o = run(name, "--help");
            assertTrue(o.out().contains("Exit codes:"), name + ":\n" + o.out());
        }
        Out late = run("-c", "/nonexistent-cfs.yaml", "snapshots", "-v");
        assertEquals(ExitCode.USAGE, late.code());
        assertTrue(late.err().contains("at org.cfs.backup"), "-v after the word shows the stack trace: " + late.err());
    }
}
