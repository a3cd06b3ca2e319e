package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.CfsException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check on recorded restic 0.14 output of a damaged repository: unlock first, damage lines kept, exit 1. */
class CheckOperationTest {
    @TempDir
    Path tmp;

    static String resource(String name) throws IOException {
        try (InputStream in = CheckOperationTest.class.getResourceAsStream("/restic/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void damagedRepositoryIsReportedAfterStaleLocksAreRemoved() throws IOException {
        String out = resource("check-damaged.stdout");
        String err = resource("check-damaged.stderr");
        List<List<String>> calls = new ArrayList<>();
        Restic restic = new Restic(new ResticSettings("restic", "/repo", tmp.resolve("pw"), null, null, null, List.of()), spec -> {
            calls.add(spec.command());
            if (spec.command().contains("unlock")) {
                return new ProcessResult(0, "successfully removed locks\n", "", Duration.ZERO, false);
            }
            return new ProcessResult(1, out, err, Duration.ZERO, false);
        });
        CheckOperation.CheckReport r = new CheckOperation(restic, new RunHistory(tmp), new AuditLog(tmp)).run("100%");
        assertEquals(1, r.exitCode());
        assertTrue(calls.get(0).contains("unlock") && !calls.get(0).contains("--remove-all"), calls.toString());
        assertEquals(List.of("check", "--read-data-subset", "100%"), calls.get(1).subList(calls.get(1).indexOf("check"),
                calls.get(1).size()), calls.toString());
        assertEquals(List.of("Pack ID does not match, want 7943f02cc1fd048d2d97f7ba461d431c2f48158a7c032c3deb567ad62bc03d71, "
                + "got 6f7e1d569c5896c0a3ee042a981ae71118b2930643b65308a01b8a48f72f02c1", "Fatal: repository contains errors"), r.errors());
    }

    @Test
    void subsetSpecsAreValidated() {
        CheckOperation.validateSubset("1/7");
        CheckOperation.validateSubset("10%");
        CheckOperation.validateSubset("2.5%");
        CheckOperation.validateSubset("500M");
        assertEquals(2, assertThrows(CfsException.class, () -> CheckOperation.validateSubset("lots")).exitCode());
        assertEquals(2, assertThrows(CfsException.class, () -> CheckOperation.validateSubset("1/7; rm -rf /")).exitCode());
    }

    @Test
    void mariadbDumpDetection() {
        assertTrue(DrillOperation.isMariadbDump(List.of("docker", "exec", "mariadb", "mariadb-dump", "--all-databases")));
        assertTrue(DrillOperation.isMariadbDump(List.of("sh", "-c", "mysqldump --all-databases | gzip")));
        assertTrue(!DrillOperation.isMariadbDump(List.of("pg_dump", "db")));
    }
}
