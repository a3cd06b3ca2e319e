package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.restore.RestoreFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check --read-data-subset} against a real repository: good SPECs (in every spelling the
 * config uses) run restic's check; bad ones exit 2 before restic runs and say nothing of damage;
 * and when restic itself refuses its command line, that is a usage error with restic's own line.
 */
class CheckSubsetIT {
    @TempDir
    Path tmp;
    RestoreFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        Path src = tmp.resolve("data");
        Files.createDirectories(src);
        byte[] b = new byte[3 * 1024 * 1024];
        new java.util.Random(5).nextBytes(b);
        Files.write(src.resolve("blob.bin"), b);
        Files.writeString(src.resolve("note.txt"), "hello\n");
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: data
                  path: %s
                """.formatted(src));
        fx.initAndBackup("data");
    }

    @Test
    void goodSpecsRunAndBadSpecsExit2WithoutDamage() {
        for (String good : List.of("100%", "0.5%", "1/1", "2/3", "1MiB", "500M", "1GiB", "4096")) {
            RestoreFixture.Run r = fx.run("check", "--read-data-subset", good, "--json");
            assertEquals(0, r.code(), good + ": " + r);
            JsonNode j = r.json();
            assertTrue(j.get("ok").asBoolean(), j.toString());
        }
        for (String bad : List.of("0%", "5/3", "0/3", "101%", "0MiB", "lots", "1.5.2G")) {
            RestoreFixture.Run r = fx.run("check", "--read-data-subset", bad);
            assertEquals(2, r.code(), bad + ": " + r);
            String all = (r.out() + r.err()).toLowerCase(Locale.ROOT);
            assertFalse(all.contains("damage"), bad + ": " + r);
            assertTrue(r.err().contains("'" + bad + "'"), bad + ": " + r);
        }
        // nothing refused was recorded as a damaged repository
        assertFalse(fx.ok("status", "--json").out().contains("DAMAGED"));
    }

    @Test
    void resticRefusingItsArgumentsIsAUsageErrorWithResticsLine() throws Exception {
        // the real restic, handed one flag it does not know on its check command line
        Path wrapper = tmp.resolve("restic-extra-flag");
        Files.writeString(wrapper, "#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = check ]; then exec restic \"$@\" --no-such-flag; fi; done\n"
                + "exec restic \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CFS_BACKUP_RESTIC", wrapper.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, new Cancellation(),
                new String[] {"-c", fx.config.toString(), "check"});
        assertEquals(2, code, out + "\n" + err);
        assertTrue(err.toString().contains("unknown flag: --no-such-flag"), err.toString());
        assertFalse((out + err.toString()).toLowerCase(Locale.ROOT).contains("damage"), out + "\n" + err);
    }
}
