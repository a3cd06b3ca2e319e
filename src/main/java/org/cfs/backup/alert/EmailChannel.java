package org.cfs.backup.alert;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.cfs.backup.config.AlertConfig;

/**
 * Sends each {@link Notice} as a plain-text e-mail through Jakarta Mail (Eclipse Angus).
 * {@code smtp://host[:port]} (default 25) upgrades with STARTTLS when the server offers it;
 * {@code smtps://host[:port]} (default 465) is TLS from the first byte. AUTH is used when both
 * {@code username} and {@code password-file} are set; the password is read at send time and never
 * logged. Certificates are checked against the JVM's trust store.
 */
final class EmailChannel implements Channel {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int IO_TIMEOUT_MS = 15_000;

    private final String id;
    private final AlertConfig.EmailConfig config;
    private final String host;
    private final int port;
    private final boolean implicitTls;
    private final String from;
    private final Properties extra;

    /**
     * @param extra Jakarta Mail properties laid over the defaults (tests use it to trust a test
     *              server's self-signed certificate)
     */
    EmailChannel(String id, AlertConfig.EmailConfig config, String hostName, Properties extra) {
        this.id = id;
        this.config = config;
        URI u = URI.create(config.smtp().trim());
        this.implicitTls = "smtps".equalsIgnoreCase(u.getScheme());
        this.host = u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : implicitTls ? 465 : 25;
        this.from = config.from() != null && !config.from().isBlank() ? config.from() : "cfs-backup@" + hostName;
        this.extra = extra == null ? new Properties() : extra;
    }

    private boolean auth() {
        return config.username() != null && !config.username().isBlank() && config.passwordFile() != null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String describe() {
        return "email " + (implicitTls ? "smtps" : "smtp") + "://" + host + ":" + port;
    }

    @Override
    public List<String> secrets() {
        List<String> s = new ArrayList<>();
        if (auth()) {
            try {
                String pw = password();
                if (!pw.isEmpty()) {
                    s.add(pw);
                }
            } catch (IOException e) {
                // unreadable: then it cannot leak either
            }
        }
        return s;
    }

    private String password() throws IOException {
        return Files.readString(Path.of(config.passwordFile()), StandardCharsets.UTF_8).strip();
    }

    Properties properties() {
        String p = implicitTls ? "smtps" : "smtp";
        Properties props = new Properties();
        props.put("mail.transport.protocol", p);
        props.put("mail." + p + ".host", host);
        props.put("mail." + p + ".port", String.valueOf(port));
        props.put("mail." + p + ".connectiontimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        props.put("mail." + p + ".timeout", String.valueOf(IO_TIMEOUT_MS));
        props.put("mail." + p + ".writetimeout", String.valueOf(IO_TIMEOUT_MS));
        props.put("mail." + p + ".auth", String.valueOf(auth()));
        props.put("mail." + p + ".from", from);
        if (implicitTls) {
            props.put("mail.smtps.ssl.checkserveridentity", "true");
        } else {
            // upgrade when offered; a local relay on port 25 often offers nothing
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "false");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        props.putAll(extra);
        return props;
    }

    @Override
    public void notify(Notice notice) throws DeliveryException {
        Session session = Session.getInstance(properties());
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(config.to()));
            m.setSubject(notice.subject(), "UTF-8");
            m.setText(notice.text(), "UTF-8");
            m.setSentDate(Date.from(notice.time()));
            m.setHeader("X-Cfs-Backup-Key", notice.key());
            m.setHeader("X-Cfs-Backup-State", notice.state());
            try (Transport t = session.getTransport()) {
                if (auth()) {
                    t.connect(host, port, config.username(), password());
                } else {
                    t.connect();
                }
                t.sendMessage(m, m.getAllRecipients());
            }
        } catch (AddressException | AuthenticationFailedException e) {
            throw new DeliveryException(e.getClass().getSimpleName() + ": " + e.getMessage(), false, e);
        } catch (SendFailedException e) {
            throw new DeliveryException("SendFailedException: " + e.getMessage(), false, e);
        } catch (MessagingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = e.getMessage() + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": "
                    + root.getMessage() + ")");
            throw new DeliveryException(why, true, e);
        } catch (IOException e) {
            throw new DeliveryException("cannot read password-file: " + e.getClass().getSimpleName(), false, e);
        }
    }

    @Override
    public void ping(String job, Ping ping, String body) {
    }
}
