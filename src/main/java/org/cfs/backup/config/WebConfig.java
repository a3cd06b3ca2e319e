package org.cfs.backup.config;

/**
 * The web console ({@code web:}): where it listens, the file holding its one password, whether a
 * non-loopback address is allowed, and whether a TLS proxy sits in front (then cookies are Secure).
 */
public record WebConfig(String listen, String passwordFile, Boolean allowRemote, Boolean tlsProxy) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:8321";

    public String host() {
        String l = listen == null ? DEFAULT_LISTEN : listen;
        String h = l.substring(0, l.lastIndexOf(':'));
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    public int port() {
        String l = listen == null ? DEFAULT_LISTEN : listen;
        return Integer.parseInt(l.substring(l.lastIndexOf(':') + 1));
    }

    public boolean remoteAllowed() {
        return Boolean.TRUE.equals(allowRemote);
    }

    public boolean behindTlsProxy() {
        return Boolean.TRUE.equals(tlsProxy);
    }

    /** True for 127.0.0.0/8, ::1 and localhost. */
    public boolean loopback() {
        String h = host();
        return h.equals("localhost") || h.equals("::1") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
