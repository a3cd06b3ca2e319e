package org.cfs.backup.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

/** Accepts Quartz cron (6-7 fields) and classic 5-field crontab, and yields Quartz syntax. */
public final class Cron {
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private Cron() {
    }

    /** @throws IllegalArgumentException with Quartz's reason when the expression is not valid */
    public static String toQuartz(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("empty cron expression");
        }
        String[] f = expression.trim().split("\\s+");
        String quartz;
        if (f.length == 5) {
            String dom = f[2];
            String dow = crontabDayOfWeek(f[4]);
            if (dow.equals("*")) {
                dow = "?";
            } else if (dom.equals("*")) {
                dom = "?";
            } else {
                throw new IllegalArgumentException("'" + expression
                        + "': Quartz cannot combine a day of month with a day of week");
            }
            quartz = String.join(" ", "0", f[0], f[1], dom, f[3], dow);
        } else {
            quartz = expression.trim();
        }
        try {
            new CronExpression(quartz);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + e.getMessage());
        }
        return quartz;
    }

    // crontab counts Sunday as 0 or 7, Quartz as 1
    private static String crontabDayOfWeek(String field) {
        if (field.equals("*") || field.toUpperCase(Locale.ROOT).matches("[A-Z,\\-]+")) {
            return field;
        }
        Matcher m = NUMBER.matcher(field);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        boolean afterSlash = false;
        while (m.find()) {
            afterSlash = m.start() > 0 && field.charAt(m.start() - 1) == '/';
            sb.append(field, last, m.start());
            int n = Integer.parseInt(m.group());
            sb.append(afterSlash ? n : (n % 7) + 1);
            last = m.end();
        }
        sb.append(field.substring(last));
        return sb.toString();
    }
}
