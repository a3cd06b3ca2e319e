package org.cfs.backup.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;

import org.quartz.CronExpression;

/** Next and previous fire times of a Quartz cron expression in a given time zone. */
public final class CronSchedule {
    private CronSchedule() {
    }

    static CronExpression expression(String cron, ZoneId zone) {
        try {
            CronExpression e = new CronExpression(cron);
            e.setTimeZone(TimeZone.getTimeZone(zone));
            return e;
        } catch (ParseException e) {
            // the config loader validated every cron already
            throw new IllegalArgumentException("'" + cron + "': " + e.getMessage(), e);
        }
    }

    /** The first fire time strictly after {@code after}, or null when the expression never fires again. */
    public static Instant next(String cron, Instant after, ZoneId zone) {
        Date d = expression(cron, zone).getNextValidTimeAfter(Date.from(after));
        return d == null ? null : d.toInstant();
    }

    /**
     * The last fire time in {@code [notBefore, now]}, or null. Quartz cannot step backwards, so the
     * window is widened (doubling) until it holds a fire time, then walked forwards.
     */
    public static Instant previous(String cron, Instant now, Instant notBefore, ZoneId zone) {
        CronExpression e = expression(cron, zone);
        long span = 1000;
        while (true) {
            Instant from = now.minusMillis(span);
            boolean atLimit = !from.isAfter(notBefore);
            if (atLimit) {
                from = notBefore.minusMillis(1);
            }
            Date t = e.getNextValidTimeAfter(Date.from(from));
            if (t != null && !t.toInstant().isAfter(now)) {
                Instant last = t.toInstant();
                Date n;
                while ((n = e.getNextValidTimeAfter(Date.from(last))) != null && !n.toInstant().isAfter(now)) {
                    last = n.toInstant();
                }
                return last;
            }
            if (atLimit) {
                return null;
            }
            span *= 2;
        }
    }
}
