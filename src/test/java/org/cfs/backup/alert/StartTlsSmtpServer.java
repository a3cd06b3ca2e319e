package org.cfs.backup.alert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;

/**
 * A small SMTP server on 127.0.0.1 that offers STARTTLS (GreenMail 2.1 does not) and AUTH
 * PLAIN/LOGIN, and records for each message whether TLS was on when the client logged in and sent
 * it. It uses GreenMail's self-signed test certificate.
 */
final class StartTlsSmtpServer implements AutoCloseable {
    /** One message as received. */
    record Received(boolean tlsAtAuth, boolean tlsAtData, String user, String password, String data) {
    }

    private final ServerSocket server;
    private final SSLContext tls;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    StartTlsSmtpServer() throws Exception {
        KeyStore ks = new DummySSLServerSocketFactory().getKeyStore();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "starttls-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                session(s);
            } catch (IOException e) {
                // closed by the test, or a client that went away: next one
            }
        }
    }

    private void session(Socket plain) throws IOException {
        Socket s = plain;
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        boolean secure = false;
        boolean authTls = false;
        String user = null;
        String password = null;
        reply(out, "220 starttls-test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.toUpperCase();
            if (cmd.startsWith("EHLO")) {
                reply(out, secure ? "250-starttls-test\r\n250 AUTH PLAIN LOGIN"
                        : "250-starttls-test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN");
            } else if (cmd.startsWith("HELO") || cmd.startsWith("RSET") || cmd.startsWith("NOOP")
                    || cmd.startsWith("MAIL FROM") || cmd.startsWith("RCPT TO")) {
                reply(out, "250 OK");
            } else if (cmd.equals("STARTTLS") && !secure) {
                reply(out, "220 2.0.0 Ready to start TLS");
                SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
                t.setUseClientMode(false);
                t.startHandshake();
                s = t;
                secure = true;
                in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                out = s.getOutputStream();
            } else if (cmd.startsWith("AUTH PLAIN")) {
                String arg = line.length() > 11 ? line.substring(11).trim() : null;
                if (arg == null || arg.isEmpty()) {
                    reply(out, "334 ");
                    arg = in.readLine();
                }
                String[] parts = new String(Base64.getDecoder().decode(arg), StandardCharsets.UTF_8).split("\0");
                user = parts[1];
                password = parts[2];
                authTls = secure;
                reply(out, "235 2.7.0 Authentication successful");
            } else if (cmd.startsWith("AUTH LOGIN")) {
                reply(out, "334 VXNlcm5hbWU6");
                user = new String(Base64.getDecoder().decode(in.readLine()), StandardCharsets.UTF_8);
                reply(out, "334 UGFzc3dvcmQ6");
                password = new String(Base64.getDecoder().decode(in.readLine()), StandardCharsets.UTF_8);
                authTls = secure;
                reply(out, "235 2.7.0 Authentication successful");
            } else if (cmd.equals("DATA")) {
                reply(out, "354 End data with <CR><LF>.<CR><LF>");
                StringBuilder data = new StringBuilder();
                String d;
                while ((d = in.readLine()) != null && !d.equals(".")) {
                    data.append(d).append('\n');
                }
                received.add(new Received(authTls, secure, user, password, data.toString()));
                reply(out, "250 2.0.0 Queued");
            } else if (cmd.equals("QUIT")) {
                reply(out, "221 2.0.0 Bye");
                s.close();
                return;
            } else {
                reply(out, "502 5.5.2 Command not recognized");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
