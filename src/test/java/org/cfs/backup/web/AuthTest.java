package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class AuthTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theRightPasswordOpensASessionWithItsOwnCsrfToken() {
        Auth a = new Auth("correct horse", new Manual());
        assertFalse(a.login("correct hors").ok());
        assertFalse(a.login(null).ok());
        Auth.Login l = a.login("correct horse");
        assertTrue(l.ok());
        Auth.Session s = a.session(l.token());
        assertNotNull(s);
        assertTrue(Auth.csrfMatches(s, s.csrf()));
        assertFalse(Auth.csrfMatches(s, s.csrf() + "x"));
        assertFalse(Auth.csrfMatches(s, null));
        assertNotEquals(l.token(), s.csrf());
        assertNotEquals(l.token(), a.login("correct horse").token());
        a.logout(l.token());
        assertNull(a.session(l.token()));
        assertNull(a.session("made-up"));
    }

    @Test
    void failuresSlowFurtherAttemptsAndSuccessResetsTheBrake() {
        Manual clock = new Manual();
        Auth a = new Auth("pw-123", clock);
        for (int i = 0; i < 3; i++) {
            Auth.Login l = a.login("guess" + i);
            assertFalse(l.ok());
            assertFalse(l.throttled(), "the first attempts are free: " + i);
        }
        Auth.Login braked = a.login("pw-123");
        assertTrue(braked.throttled(), "even the right password waits out the brake");
        assertEquals(2, braked.retryAfterS());
        clock.now = clock.now.plusSeconds(2);
        assertFalse(a.login("guess4").throttled());
        assertEquals(3, a.login("x").retryAfterS()); // 2 s now
        clock.now = clock.now.plusSeconds(3);
        assertTrue(a.login("pw-123").ok());
        assertFalse(a.login("again").throttled());
        // the brake tops out at a minute
        for (int i = 0; i < 30; i++) {
            clock.now = clock.now.plusSeconds(61);
            a.login("g" + i);
        }
        assertTrue(a.login("x").retryAfterS() <= 61);
    }

    @Test
    void idleSessionsExpire() {
        Manual clock = new Manual();
        Auth a = new Auth("pw-123", clock);
        String t = a.login("pw-123").token();
        clock.now = clock.now.plus(Auth.IDLE.minus(Duration.ofMinutes(1)));
        assertNotNull(a.session(t), "use renews the session");
        clock.now = clock.now.plus(Auth.IDLE.minus(Duration.ofMinutes(1)));
        assertNotNull(a.session(t));
        clock.now = clock.now.plus(Auth.IDLE.plus(Duration.ofMinutes(1)));
        assertNull(a.session(t));
    }
}
