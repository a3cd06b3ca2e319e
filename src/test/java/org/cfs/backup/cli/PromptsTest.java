package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guided prompts answered in-process through {@code Main.run(in, out, err, args)}. */
class PromptsTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        Files.writeString(dir.resolve("pw"), "pw\n");
        Files.createDirectories(dir.resolve("data"));
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "host: h\nrepository: {url: " + dir.resolve("repo") + ", password-file: " + dir.resolve("pw")
                + "}\nstate-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log") + "\nsources:\n"
                + "  - {name: data, path: " + dir.resolve("data") + "}\n");
        return cfg;
    }

    private record Out(int code, String out, String err) {
    }

    private static Out run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out),
                new PrintWriter(err), args);
        return new Out(code, out.toString(), err.toString());
    }

    @Test
    void anInPlaceRestoreAsksAndANoChangesNothing() throws Exception {
        Path cfg = config();
        Files.writeString(dir.resolve("data/keep.txt"), "live\n");
        for (String answer : new String[] {"n\n", "", "maybe\n"}) {
            Out o = run(answer, "-c", cfg.toString(), "restore", "data");
            assertEquals(ExitCode.USAGE, o.code(), o.err());
            assertTrue(o.err().contains("Replace the live data of 'data'"), "the question was asked: " + o.err());
            assertTrue(o.err().contains("restore cancelled: nothing was changed"), o.err());
            assertEquals("live\n", Files.readString(dir.resolve("data/keep.txt")));
        }
        assertFalse(Files.exists(dir.resolve("state/lock")) && Files.size(dir.resolve("state/lock")) > 0,
                "no operation was started");
    }

    @Test
    void withoutAnyoneToAskTheRestoreNeedsYes() throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "-c", config().toString(),
                "restore", "data");
        assertEquals(ExitCode.USAGE, code);
        assertTrue(err.toString().contains("pass --yes"), err.toString());
    }
}
