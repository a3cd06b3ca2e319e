package org.cfs.backup.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's one password, its sessions and their CSRF tokens, and the brake on guessing.
 * The password is kept only as a salted SHA-256 hash (salt new each start) and compared in constant
 * time; sessions and tokens are 256-bit random values; after 3 failed logins in a row each further
 * attempt must wait (1 s, doubling, at most 60 s) and is refused unchecked before then.
 */
public final class Auth {
    static final Duration IDLE = Duration.ofHours(8);
    static final int MAX_SESSIONS = 200;
    private static final int FREE_FAILURES = 3;
    private static final long MAX_DELAY_S = 60;

    /** One logged-in browser or script. */
    record Session(String csrf, Instant created, Instant lastSeen) {
    }

    /** A login answer: ok with a session token, refused (wrong password), or throttled for retryAfter seconds. */
    record Login(String token, boolean throttled, long retryAfterS) {
        boolean ok() {
            return token != null;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final byte[] salt = new byte[16];
    private final byte[] hash;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private int failures;
    private Instant nextAttempt = Instant.EPOCH;

    Auth(String password, Clock clock) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the web console's password is empty");
        }
        this.clock = clock;
        random.nextBytes(salt);
        this.hash = digest(password);
    }

    private byte[] digest(String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            return md.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a password; a session token on success. */
    synchronized Login login(String password) {
        Instant now = clock.instant();
        if (now.isBefore(nextAttempt)) {
            return new Login(null, true, Math.max(1, Duration.between(now, nextAttempt).toSeconds() + 1));
        }
        boolean ok = password != null && MessageDigest.isEqual(hash, digest(password));
        if (!ok) {
            failures++;
            if (failures >= FREE_FAILURES) {
                long delay = Math.min(MAX_DELAY_S, 1L << Math.min(20, failures - FREE_FAILURES));
                nextAttempt = now.plusSeconds(delay);
            }
            return new Login(null, false, 0);
        }
        failures = 0;
        nextAttempt = Instant.EPOCH;
        String token = randomToken();
        if (sessions.size() >= MAX_SESSIONS) {
            evictOldest();
        }
        sessions.put(token, new Session(randomToken(), now, now));
        return new Login(token, false, 0);
    }

    /** The live session of a token (its idle time renewed), or null. */
    Session session(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        Session s = sessions.get(token);
        if (s == null) {
            return null;
        }
        Instant now = clock.instant();
        if (Duration.between(s.lastSeen(), now).compareTo(IDLE) > 0) {
            sessions.remove(token);
            return null;
        }
        Session renewed = new Session(s.csrf(), s.created(), now);
        sessions.put(token, renewed);
        return renewed;
    }

    /** True when the token given with a state-changing request is the session's (constant time). */
    static boolean csrfMatches(Session s, String given) {
        return s != null && given != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    void logout(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    private void evictOldest() {
        Iterator<Map.Entry<String, Session>> it = sessions.entrySet().stream()
                .sorted(Map.Entry.comparingByValue((a, b) -> a.lastSeen().compareTo(b.lastSeen()))).iterator();
        if (it.hasNext()) {
            sessions.remove(it.next().getKey());
        }
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
