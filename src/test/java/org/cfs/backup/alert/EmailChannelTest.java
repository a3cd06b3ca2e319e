package org.cfs.backup.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.cfs.backup.config.AlertConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e-mail channel against a real SMTP server (GreenMail) on 127.0.0.1: plain SMTP with AUTH,
 * implicit TLS (smtps) with AUTH, a refused login and a closed port. GreenMail 2.1 has no
 * STARTTLS, so the STARTTLS upgrade is not exercised here (with {@code starttls.required=false}
 * the client goes on in plain text when the server does not offer it, which these tests do cover).
 */
class EmailChannelTest {
    private static final String USER = "cfs";
    private static final String PASSWORD = "Gr33n-Mail-pw";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("ops@example.org", USER, PASSWORD));

    @TempDir
    Path dir;

    private Path passwordFile(String pw) throws IOException {
        Path f = dir.resolve("smtp-password");
        Files.writeString(f, pw + "\n");
        return f;
    }

    private ChannelAlerts alerts(AlertConfig.EmailConfig email) {
        Properties trustTestServer = new Properties();
        // GreenMail's certificate is self-signed and not issued for 127.0.0.1
        trustTestServer.put("mail.smtps.ssl.trust", "*");
        trustTestServer.put("mail.smtps.ssl.checkserveridentity", "false");
        trustTestServer.put("mail.smtp.ssl.trust", "*");
        trustTestServer.put("mail.smtp.ssl.checkserveridentity", "false");
        return ChannelAlerts.fromConfig(List.of(new AlertConfig(null, null, null, email)), dir.resolve("state"),
                "vps-1", Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC), Backoff.none(),
                trustTestServer);
    }

    @Test
    void sendsOverSmtpWithAuth() throws Exception {
        int port = MAIL.getSmtp().getPort();
        ChannelAlerts a = alerts(new AlertConfig.EmailConfig("ops@example.org", "smtp://127.0.0.1:" + port,
                "backup@vps-1.example", USER, passwordFile(PASSWORD).toString()));
        try (LogCapture log = new LogCapture()) {
            a.raise("backup-failed:mariadb", Alerts.Severity.CRITICAL, "Backup failed", "mariadb: dump exited 2");
            assertTrue(log.lines().isEmpty(), log.all());
        }
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertEquals(1, got.length);
        assertEquals("[vps-1] CRITICAL: Backup failed", got[0].getSubject());
        assertEquals("backup@vps-1.example", got[0].getFrom()[0].toString());
        assertEquals("ops@example.org", got[0].getAllRecipients()[0].toString());
        assertEquals("backup-failed:mariadb", got[0].getHeader("X-Cfs-Backup-Key")[0]);
        String body = GreenMailUtil.getBody(got[0]);
        assertTrue(body.startsWith("mariadb: dump exited 2"), body);
        assertTrue(body.contains("state: open"), body);

        // de-duplicated, then one resolved mail
        a.raise("backup-failed:mariadb", Alerts.Severity.CRITICAL, "Backup failed", "mariadb: dump exited 2");
        a.clear("backup-failed:mariadb", "mariadb backed up");
        got = MAIL.getReceivedMessages();
        assertEquals(2, got.length);
        assertEquals("[vps-1] RESOLVED: Backup failed", got[1].getSubject());
        assertEquals("resolved", got[1].getHeader("X-Cfs-Backup-State")[0]);
    }

    @Test
    void sendsOverImplicitTlsWithAuth() throws Exception {
        int port = MAIL.getSmtps().getPort();
        ChannelAlerts a = alerts(new AlertConfig.EmailConfig("ops@example.org", "smtps://127.0.0.1:" + port,
                null, USER, passwordFile(PASSWORD).toString()));
        try (LogCapture log = new LogCapture()) {
            a.raise("quota-level", Alerts.Severity.WARNING, "Drive quota warning", "12 GiB free");
            assertTrue(log.lines().isEmpty(), log.all());
        }
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertEquals(1, got.length);
        assertEquals("[vps-1] WARNING: Drive quota warning", got[0].getSubject());
        assertEquals("cfs-backup@vps-1", got[0].getFrom()[0].toString(), "default sender");
    }

    @Test
    void upgradesWithStartTlsWhenOfferedBeforeLoggingIn() throws Exception {
        try (StartTlsSmtpServer server = new StartTlsSmtpServer()) {
            ChannelAlerts a = alerts(new AlertConfig.EmailConfig("ops@example.org",
                    "smtp://127.0.0.1:" + server.port(), null, USER, passwordFile(PASSWORD).toString()));
            try (LogCapture log = new LogCapture()) {
                a.raise("audit:socket", Alerts.Severity.CRITICAL, "Audit finding", "docker socket mounted");
                assertTrue(log.lines().isEmpty(), log.all());
            }
            assertEquals(1, server.received().size());
            StartTlsSmtpServer.Received r = server.received().get(0);
            assertTrue(r.tlsAtAuth(), "logged in only after STARTTLS");
            assertTrue(r.tlsAtData(), "message sent over TLS");
            assertEquals(USER, r.user());
            assertEquals(PASSWORD, r.password(), "the password file's content, without its newline");
            assertTrue(r.data().contains("Subject: [vps-1] CRITICAL: Audit finding"), r.data());
        }
    }

    @Test
    void withoutUsernameNoLoginIsAttempted() throws Exception {
        try (StartTlsSmtpServer server = new StartTlsSmtpServer()) {
            alerts(new AlertConfig.EmailConfig("ops@example.org", "smtp://127.0.0.1:" + server.port(), null, null,
                    null)).raise("k", Alerts.Severity.WARNING, "t", "m");
            assertEquals(1, server.received().size());
            assertEquals(null, server.received().get(0).user());
            assertTrue(server.received().get(0).tlsAtData());
        }
    }

    @Test
    void aRefusedLoginIsLoggedWithoutThePasswordAndNotRetried() throws Exception {
        String wrong = "not-the-Password-42";
        int port = MAIL.getSmtp().getPort();
        ChannelAlerts a = alerts(new AlertConfig.EmailConfig("ops@example.org", "smtp://127.0.0.1:" + port, null,
                USER, passwordFile(wrong).toString()));
        try (LogCapture log = new LogCapture()) {
            a.raise("k", Alerts.Severity.WARNING, "t", "m");
            assertTrue(log.all().contains("AuthenticationFailedException"), log.all());
            assertTrue(log.all().contains("not delivered after 1 try"), log.all());
            assertFalse(log.all().contains(wrong), log.all());
        }
        assertEquals(0, MAIL.getReceivedMessages().length, "AUTH was used and refused, so nothing was sent");
        assertEquals(1, a.open().size(), "the condition is still tracked");
    }

    @Test
    void aClosedPortIsRetriedAndNeverThrows() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ChannelAlerts a = alerts(new AlertConfig.EmailConfig("ops@example.org", "smtp://127.0.0.1:" + closed, null,
                null, null));
        try (LogCapture log = new LogCapture()) {
            a.raise("k", Alerts.Severity.CRITICAL, "t", "m");
            assertTrue(log.all().contains("try 3 of 4"), log.all());
            assertTrue(log.all().contains("not delivered after 4 tries"), log.all());
            assertTrue(log.all().contains("email smtp://127.0.0.1:" + closed), log.all());
        }
    }
}
