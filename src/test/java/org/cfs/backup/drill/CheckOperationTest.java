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
    void subsetSpecsBecomeWhatResticAccepts() {
        assertEquals("1/7", CheckOperation.resticSubset("1/7"));
        assertEquals("3/3", CheckOperation.resticSubset("3/3"));
        assertEquals("100%", CheckOperation.resticSubset("100%"));
        assertEquals("100%", CheckOperation.resticSubset("100.0%"));
        assertEquals("0.5%", CheckOperation.resticSubset("0.5%"));
        assertEquals("500M", CheckOperation.resticSubset("500MiB"));
        assertEquals("500M", CheckOperation.resticSubset("500M"));
        assertEquals("2G", CheckOperation.resticSubset("2GiB"));
        assertEquals("1536M", CheckOperation.resticSubset("1.5GiB"));
        assertEquals("1536M", CheckOperation.resticSubset("1.5 GiB"));
        assertEquals("4K", CheckOperation.resticSubset("4096"));
        assertEquals("1K", CheckOperation.resticSubset("1"));
        assertEquals("1T", CheckOperation.resticSubset("1TiB"));
        assertEquals("1536M", CheckOperation.resticSubset("1.5G"));
        assertEquals("5K", CheckOperation.resticSubset("5k"));
        // decimal units are bytes too: 2GB = 2e9 bytes, not a whole MiB, so whole KiB rounded up
        assertEquals("1953125K", CheckOperation.resticSubset("2GB"));
        assertEquals(null, CheckOperation.resticSubset(null));
    }

    @Test
    void badSubsetSpecsAreUsageErrorsNamingTheSpec() {
        for (String bad : List.of("0%", "0.0%", "101%", "100.5%", "-5%", "5/3", "0/3", "1/0", "0/0", "0M", "0", "0MiB",
                "lots", "5 %", "1/7; rm -rf /", "%", "/", "1/", "5X", "1.2.3M", "")) {
            CfsException e = assertThrows(CfsException.class, () -> CheckOperation.resticSubset(bad), bad);
            assertEquals(2, e.exitCode(), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && !e.getMessage().toLowerCase().contains("damage"), e.getMessage());
        }
    }

    @Test
    void resticUsageErrorIsAUsageErrorNotDamage() {
        Restic restic = new Restic(new ResticSettings("restic", "/repo", tmp.resolve("pw"), null, null, null, List.of()), spec -> {
            if (spec.command().contains("unlock")) {
                return new ProcessResult(0, "", "", Duration.ZERO, false);
            }
            return new ProcessResult(1, "", "Fatal: check flag --read-data-subset=n/t values must be positive integers, "
                    + "and n <= t, e.g. --read-data-subset=1/2\n", Duration.ZERO, false);
        });
        CfsException e = assertThrows(CfsException.class,
                () -> new CheckOperation(restic, new RunHistory(tmp), new AuditLog(tmp)).run("1/2"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("Fatal: check flag --read-data-subset=n/t values must be positive integers"), e.getMessage());
        assertTrue(!e.getMessage().toLowerCase().contains("damage"), e.getMessage());
    }

    @Test
    void usageLinesAreClassified() {
        assertEquals(org.cfs.backup.restic.ResticError.USAGE, org.cfs.backup.restic.ResticError.classify(1, "unknown flag: --bogus\n"));
        assertEquals(org.cfs.backup.restic.ResticError.USAGE, org.cfs.backup.restic.ResticError.classify(1,
                "Fatal: check flag --read-data-subset has invalid value, please see documentation\n"));
        assertEquals(org.cfs.backup.restic.ResticError.USAGE, org.cfs.backup.restic.ResticError.classify(1,
                "invalid argument \"x\" for \"--limit-upload\" flag: strconv.ParseInt\n"));
        assertEquals(org.cfs.backup.restic.ResticError.FAILED, org.cfs.backup.restic.ResticError.classify(1,
                "Fatal: repository contains errors\n"));
        assertEquals(org.cfs.backup.restic.ResticError.WRONG_PASSWORD, org.cfs.backup.restic.ResticError.classify(1,
                "Fatal: wrong password or no key found\n"));
        assertEquals(2, new org.cfs.backup.restic.ResticException("restic check", org.cfs.backup.restic.ResticError.USAGE, 1,
                "unknown flag: --bogus").exitCode());
    }

    @Test
    void mariadbDumpDetection() {
        assertTrue(DumpDrill.isMariadbDump(List.of("docker", "exec", "mariadb", "mariadb-dump", "--all-databases")));
        assertTrue(DumpDrill.isMariadbDump(List.of("sh", "-c", "mysqldump --all-databases | gzip")));
        assertTrue(!DumpDrill.isMariadbDump(List.of("pg_dump", "db")));
    }
}
