package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every config error names the key and its line and exits 2; good configs load with defaults. */
class ConfigLoaderTest {
    @TempDir
    Path dir;
    private Path pw;

    @BeforeEach
    void passwordFile() throws IOException {
        pw = Files.writeString(dir.resolve("pw"), "secret\n");
    }

    private String head() {
        return "repository:\n  url: /srv/repo\n  password-file: " + pw + "\n";
    }

    private Config load(String yaml) throws IOException {
        Path f = Files.writeString(dir.resolve("config.yaml"), yaml);
        return new ConfigLoader().load(f);
    }

    private ConfigException error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml));
    }

    @Test
    void theHostExampleConfigIsValidApartFromItsSecretFiles() throws IOException {
        String example = Files.readString(Path.of("config/host.yaml"))
                .replace("/etc/cfs-backup/restic-password", pw.toString());
        Config c = load(example);
        assertEquals(6, c.sources().size());
        assertEquals(Consistency.STOP, c.source("open-webui").orElseThrow().consistency());
        assertEquals(SourceConfig.Kind.COMMAND, c.source("mariadb").orElseThrow().kind());
        assertEquals(List.of("/opt/cfs-infra", "/usr/local/bin"), c.source("cfs-infra").orElseThrow().allPaths());
        assertEquals(20L * 1024 * 1024 * 1024, c.quota().warnFreeBytes());
    }

    @Test
    void defaultsAreFilled() throws IOException {
        Config c = load(head() + "sources:\n  - name: a\n    path: /data\n");
        assertEquals(Path.of("/var/lib/cfs-backup"), c.stateDir());
        assertEquals(Path.of("/var/log/cfs-infra"), c.logDir());
        assertEquals("0 0 3 * * ?", c.schedule().backup());
        assertEquals(3, c.retention().keepLast());
        assertTrue(!c.host().isBlank());
        assertNull(c.sources().get(0).consistency());
        assertEquals(Consistency.LIVE, c.sources().get(0).consistencyOrLive());
    }

    @Test
    void unknownKeyIsNamedWithItsLine() {
        ConfigException e = error(head() + "sources:\n  - name: a\n    path: /x\n    consistensy: stop\n");
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("line 7"), e.getMessage());
        assertTrue(e.getMessage().contains("consistensy"), e.getMessage());
    }

    @Test
    void wrongTypeIsNamed() {
        ConfigException e = error(head() + "retention:\n  keep-last: many\n");
        assertTrue(e.getMessage().contains("retention.keep-last"), e.getMessage());
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
    }

    /** Regression (issue 14): a tab on line 3 was reported as "line 1 ... while scanning for the next token". */
    @Test
    void aYamlSyntaxErrorNamesItsLineColumnAndWholeReason() {
        ConfigException e = error(head() + "sources:\n\t- {name: a, path: /x}\n".replace("sources:\n", "").replace("\t-", "state-dir: /x\n\tlog-dir: /y"));
        String m = e.getMessage();
        assertTrue(m.contains("line 5, column 1"), m);
        assertTrue(m.contains("tab"), m);
        assertFalse(m.contains("line 1:"), m);
    }

    /** Regression (issue 14): a wrong type said what Jackson thought, not what was expected. */
    @Test
    void aWrongTypeSaysWhatWasExpected() {
        ConfigException e = error(head() + "retention:\n  keep-last: three\n");
        assertTrue(e.getMessage().contains("line 5: key 'retention.keep-last': must be a whole number, not 'three'"),
                e.getMessage());
        ConfigException b = error(head() + "web-never: 1\n");
        assertTrue(b.getMessage().contains("unknown key 'web-never'"), b.getMessage());
    }

    /** Regression (issue 14): an unknown key suggests the nearest known one. */
    @Test
    void anUnknownKeySuggestsTheNearestKnownOne() {
        ConfigException e = error(head() + "sources:\n  - name: a\n    volume: v\n    consistncy: stop\n");
        assertTrue(e.getMessage().contains("line 7: unknown key 'sources[0].consistncy' (did you mean 'consistency'?)"),
                e.getMessage());
        ConfigException far = error(head() + "zzzzzzzz: 1\n");
        assertFalse(far.getMessage().contains("did you mean"), far.getMessage());
    }

    /** Regression: a rejected alert URL was echoed, token and ping id included. */
    @Test
    void aRejectedAlertUrlIsNeverEchoed() {
        for (String bad : List.of("ftp://user:tok3nSECRET@ntfy.example/topic", "hc.example/ping/tok3nSECRET",
                "https://tok3nSECRET@/x", "http://h/a b tok3nSECRET")) {
            ConfigException e = error(head() + "alerts:\n  - healthchecks: \"" + bad + "\"\n");
            assertTrue(e.getMessage().contains("alerts[0].healthchecks"), e.getMessage());
            assertFalse(e.getMessage().contains("tok3nSECRET"), e.getMessage());
        }
    }

    @Test
    void sourceWithTwoKindsOrNone() {
        ConfigException two = error(head() + "sources:\n  - name: a\n    path: /x\n    volume: v\n");
        assertTrue(two.getMessage().contains("sources[0]")
                && (two.getMessage().contains("path and volume") || two.getMessage().contains("volume and path")),
                two.getMessage());
        assertTrue(two.getMessage().contains("line 5"), two.getMessage());
        ConfigException none = error(head() + "sources:\n  - name: a\n");
        assertTrue(none.getMessage().contains("found none"), none.getMessage());
    }

    @Test
    void restoreCommandAndReservedNames() throws IOException {
        Config c = load(head() + "sources:\n  - name: db\n    command: [mariadb-dump, --all-databases]\n"
                + "    restore-command: [docker, exec, -i, mariadb, mariadb]\n");
        assertEquals(java.util.List.of("docker", "exec", "-i", "mariadb", "mariadb"), c.sources().get(0).restoreCommand());
        ConfigException onPath = error(head() + "sources:\n  - name: a\n    path: /x\n    restore-command: [sh]\n");
        assertTrue(onPath.getMessage().contains("sources[0].restore-command") && onPath.getMessage().contains("command sources only"),
                onPath.getMessage());
        ConfigException empty = error(head() + "sources:\n  - name: db\n    command: [x]\n    restore-command: []\n");
        assertTrue(empty.getMessage().contains("restore-command"), empty.getMessage());
        for (String reserved : java.util.List.of("cfs-config", "pre-restore", "cfs-pass1")) {
            ConfigException e = error(head() + "sources:\n  - name: " + reserved + "\n    path: /x\n");
            assertTrue(e.getMessage().contains("sources[0].name") && e.getMessage().contains("choose another name"), e.getMessage());
        }
    }

    @Test
    void duplicateSourceNames() {
        ConfigException e = error(head() + "sources:\n  - name: a\n    path: /x\n  - name: a\n    path: /y\n");
        assertTrue(e.getMessage().contains("duplicate source name 'a'"), e.getMessage());
        assertTrue(e.getMessage().contains("sources[1].name"), e.getMessage());
        assertTrue(e.getMessage().contains("line 7"), e.getMessage());
    }

    @Test
    void badConsistency() {
        ConfigException e = error(head() + "sources:\n  - name: a\n    volume: v\n    consistency: freeze\n");
        assertTrue(e.getMessage().contains("sources[0].consistency"), e.getMessage());
        assertTrue(e.getMessage().contains("'freeze' is not one of live, pause, stop"), e.getMessage());
    }

    @Test
    void consistencyOnAPathSource() {
        ConfigException e = error(head() + "sources:\n  - name: a\n    path: /x\n    consistency: stop\n");
        assertTrue(e.getMessage().contains("applies to volume sources only"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"20 gigs", "-5GiB", "GiB"})
    void badSizes(String size) {
        ConfigException e = error(head() + "quota: {warn-free: '" + size + "'}\n");
        assertTrue(e.getMessage().contains("quota.warn-free"), e.getMessage());
        assertTrue(e.getMessage().contains("is not a size"), e.getMessage());
    }

    @Test
    void criticalAboveWarn() {
        ConfigException e = error(head() + "quota: {warn-free: 1GiB, critical-free: 2GiB}\n");
        assertTrue(e.getMessage().contains("quota.critical-free"), e.getMessage());
    }

    @Test
    void cronThatQuartzRejects() {
        ConfigException e = error(head() + "schedule:\n  backup: \"0 0 25 * * ?\"\n");
        assertTrue(e.getMessage().contains("schedule.backup"), e.getMessage());
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
    }

    @Test
    void fiveFieldCrontabIsAccepted() throws IOException {
        Config c = load(head() + "schedule:\n  backup: \"30 3 * * *\"\n  prune: \"0 4 * * 0\"\n");
        assertEquals("0 30 3 * * ?", c.schedule().backup());
        assertEquals("0 0 4 ? * 1", c.schedule().prune());
    }

    @Test
    void missingPasswordFile() {
        ConfigException e = error("repository:\n  url: /srv/repo\n  password-file: " + dir.resolve("nope") + "\n");
        assertTrue(e.getMessage().contains("repository.password-file"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void unreadablePasswordFileIsADirectory() {
        ConfigException e = error("repository:\n  url: /srv/repo\n  password-file: " + dir + "\n");
        assertTrue(e.getMessage().contains("is not a readable file"), e.getMessage());
    }

    @Test
    void missingRepository() {
        ConfigException e = error("sources: []\n");
        assertTrue(e.getMessage().contains("repository.url"), e.getMessage());
    }

    @Test
    void invalidYamlAndEmptyFile() {
        ConfigException bad = error(head() + "sources: [\n");
        assertTrue(bad.getMessage().contains("line"), bad.getMessage());
        ConfigException empty = error("");
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void missingConfigFileSaysHowToPointAtOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(dir.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("-c FILE"), e.getMessage());
    }

    @Test
    void relativePathsAndBadNamesAreRefused() {
        assertTrue(error(head() + "sources:\n  - name: a\n    path: data\n").getMessage().contains("absolute"));
        assertTrue(error(head() + "sources:\n  - name: 'a b'\n    path: /x\n").getMessage().contains("sources[0].name"));
        assertTrue(error(head() + "state-dir: var/lib\n").getMessage().contains("state-dir"));
    }

    @Test
    void alertChannelsAreChecked() {
        assertTrue(error(head() + "alerts:\n  - webhook: ftp://x\n").getMessage().contains("alerts[0].webhook"));
        assertTrue(error(head() + "alerts:\n  - {}\n").getMessage().contains("exactly one"));
        assertTrue(error(head() + "alerts:\n  - email: {to: nobody, smtp: 'smtp://localhost:25'}\n").getMessage()
                .contains("alerts[0].email.to"));
    }

    @Test
    void configPathResolution() {
        assertEquals(ConfigLoader.DEFAULT_PATH, ConfigLoader.resolvePath(null, java.util.Map.of()));
        assertEquals(Path.of("/x.yaml"), ConfigLoader.resolvePath(null, java.util.Map.of("CFS_BACKUP_CONFIG", "/x.yaml")));
        assertEquals(Path.of("/o.yaml"), ConfigLoader.resolvePath(Path.of("/o.yaml"),
                java.util.Map.of("CFS_BACKUP_CONFIG", "/x.yaml")));
    }

    // issue 11, defect 8: bad inputs are configuration errors (exit 2), named by key
    @Test
    void anEmptyPasswordFileIsAConfigError() throws IOException {
        Files.writeString(pw, "\n");
        ConfigException e = error(head() + "sources: []\n");
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("repository.password-file") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void aGarbageRepositoryUrlIsAConfigError() throws IOException {
        for (String url : List.of("garbage", "http//nothing", "::x::", "relative/path")) {
            ConfigException e = error("repository:\n  url: \"" + url + "\"\n  password-file: " + pw + "\nsources: []\n");
            assertEquals(2, e.exitCode(), url);
            assertTrue(e.getMessage().contains("repository.url"), e.getMessage());
        }
        for (String url : List.of("/srv/repo", "rclone:gdrive:cfs-backup", "rest:http://127.0.0.1:8000/", "sftp:h:/r",
                "s3:s3.amazonaws.com/b", "local:/srv/r")) {
            load("repository:\n  url: \"" + url + "\"\n  password-file: " + pw + "\nsources: []\n");
        }
    }
}
