package org.cfs.backup.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What -v prints of a child's argument list (issue 14): no secret, no URL token. */
class CommandLogTest {
    @Test
    void ordinaryArgumentsAreKeptExactly() {
        List<String> cmd = List.of("restic", "-r", "/srv/repo", "--cache-dir", "/var/cache/cfs", "snapshots", "--json",
                "--password-file", "/etc/cfs/pw", "-o", "rclone.args=serve restic --stdio");
        assertEquals(cmd, CommandLog.redact(cmd));
    }

    @Test
    void secretsAndUrlTokensAreMasked() {
        assertEquals(List.of("mysqldump", "-p***", "--password", "***", "MYSQL_PWD=***", "--api-token=***",
                        "curl", "https://hc-ping.com/***", "rclone:gdrive:cfs"),
                CommandLog.redact(List.of("mysqldump", "-phunter2", "--password", "hunter2", "MYSQL_PWD=hunter2",
                        "--api-token=abc", "curl", "https://hc-ping.com/0b1e-uuid?x=1", "rclone:gdrive:cfs")));
        assertEquals("webhook=https://example.org/***",
                CommandLog.maskUrls("webhook=https://user:pw@example.org/hooks/T0K3N"));
    }

    @Test
    void theLogLineQuotesArgumentsWithSpaces() {
        assertEquals("restic -o 'rclone.args=serve restic' ''", CommandLog.line(List.of("restic", "-o",
                "rclone.args=serve restic", "")));
    }

    @Test
    void anExecWrapperIsLeftOutOfTheLine() {
        assertEquals("restic dump -- abc /x", CommandLog.line(List.of("/usr/bin/perl", "-e",
                "fcntl(STDOUT, 1031, 1048576); exec { $ARGV[0] } @ARGV;", "restic", "dump", "--", "abc", "/x")));
    }
}
