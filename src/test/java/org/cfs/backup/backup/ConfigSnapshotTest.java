package org.cfs.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What of the config may go into the repository: paths of secret files yes, inline secret values never. */
class ConfigSnapshotTest {
    @Test
    void inlineSecretsAreRedactedPathsAndAddressesKept() {
        String yaml = """
                host: vps-1
                repository:
                  url: rest:https://backup:hunter2@rest.example:8000/repo
                  password-file: /etc/cfs-backup/restic-password
                alerts:
                  - webhook: "http://ops:pa55@127.0.0.1:9000/hook?token=tok123&x=1"
                  - ntfy: https://ntfy.example/cfs-backup-topic
                  - healthchecks: https://hc.example/ping/5f0c2a3e-uuid
                  - webhook: https://hooks.example/a?api_key=K3Y#frag
                  - email: {to: ops@example.org, smtp: "smtp://mailer:Sm7p@localhost:25"}
                """;
        String r = ConfigSnapshot.redact(yaml);
        for (String secret : new String[] {"hunter2", "pa55", "tok123", "K3Y", "Sm7p"}) {
            assertFalse(r.contains(secret), secret + " left in:\n" + r);
        }
        assertTrue(r.contains("rest:https://backup:<redacted>@rest.example:8000/repo"), r);
        assertTrue(r.contains("http://ops:<redacted>@127.0.0.1:9000/hook?token=<redacted>&x=1"), r);
        assertTrue(r.contains("https://hooks.example/a?api_key=<redacted>#frag"), r);
        assertTrue(r.contains("smtp://mailer:<redacted>@localhost:25"), r);
        assertTrue(r.contains("password-file: /etc/cfs-backup/restic-password"), r);
        assertTrue(r.contains("https://hc.example/ping/5f0c2a3e-uuid"), r);
        assertTrue(r.contains("to: ops@example.org"), r);
        String plain = "host: a\nrepository:\n  url: rclone:gdrive:cfs-backup\n";
        assertEquals(plain, ConfigSnapshot.redact(plain));
    }
}
