package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigException;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config read ahead at start-up is the one the command would read, errors included. */
class ConfigPreloadTest {
    @TempDir
    Path dir;

    private Path config(String sources) throws IOException {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        return Files.writeString(dir.resolve("config.yaml"), "repository:\n  url: " + dir.resolve("repo")
                + "\n  password-file: " + pw + "\nstate-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log")
                + "\nsources:\n" + sources);
    }

    @Test
    void findsTheConfigOptionBeforeTheCommandWordOnly() {
        assertEquals(Path.of("/a.yaml"), ConfigPreload.configOption(new String[] {"-v", "-c", "/a.yaml", "drill"}));
        assertEquals(Path.of("/b.yaml"), ConfigPreload.configOption(new String[] {"--config=/b.yaml", "drill"}));
        assertEquals(Path.of("/c.yaml"), ConfigPreload.configOption(new String[] {"--config", "/c.yaml"}));
        assertNull(ConfigPreload.configOption(new String[] {"drill", "-c", "/x.yaml"}));
        assertNull(ConfigPreload.configOption(new String[] {"-c"}));
        assertNull(ConfigPreload.configOption(new String[0]));
    }

    @Test
    void theConfigReadAheadIsTheOneTheLoaderReads() throws IOException {
        Path f = config("  - {name: a, path: /srv/a}\n  - {name: b, path: /srv/b, exclude: ['*.tmp']}\n");
        ConfigPreload p = ConfigPreload.start(new String[] {"-c", f.toString(), "drill"}, Map.of());
        assertNotNull(p);
        Config ahead = p.take(f);
        assertEquals(new ConfigLoader().load(f), ahead);
        assertNull(p.take(dir.resolve("other.yaml")), "another file is not answered from the read-ahead");
    }

    @Test
    void theEnvironmentNamesTheFileWhenNoOptionDoes() throws IOException {
        Path f = config("  - {name: a, path: /srv/a}\n");
        ConfigPreload p = ConfigPreload.start(new String[] {"drill"}, Map.of(ConfigLoader.ENV_VAR, f.toString()));
        assertEquals("a", p.take(f).sources().get(0).name());
    }

    @Test
    void anErrorIsRaisedWhenTheCommandAsksNotBefore() throws IOException {
        Path f = config("  - {name: a, path: /srv/a, consistency: sometimes}\n");
        ConfigPreload p = ConfigPreload.start(new String[] {"-c", f.toString(), "drill"}, Map.of());
        String direct = assertThrows(ConfigException.class, () -> new ConfigLoader().load(f)).getMessage();
        assertEquals(direct, assertThrows(ConfigException.class, () -> p.take(f)).getMessage());
    }

    @Test
    void aCommandWithAReadAheadBrokenConfigFailsAsWithout() throws IOException {
        Path f = config("  - {name: a, path: /srv/a, consistency: sometimes}\n");
        String[] args = {"-c", f.toString(), "snapshots"};
        StringWriter err1 = new StringWriter();
        int withPreload = Main.run(Prompts.console(), new PrintWriter(new StringWriter()), new PrintWriter(err1), Map.of(),
                new Cancellation(), ConfigPreload.start(args, Map.of()), args);
        StringWriter err2 = new StringWriter();
        int without = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err2), Map.of(), new Cancellation(), args);
        assertEquals(ExitCode.USAGE, withPreload);
        assertEquals(without, withPreload);
        assertEquals(err2.toString(), err1.toString());
        assertTrue(err1.toString().contains("consistency"), err1.toString());
    }
}
