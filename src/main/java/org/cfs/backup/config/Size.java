package org.cfs.backup.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes such as {@code 20GiB}, {@code 5 GB} or {@code 1048576}. */
public final class Size {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTP]?i?B?)?", Pattern.CASE_INSENSITIVE);

    private Size() {
    }

    /** @throws IllegalArgumentException naming the value when it is not a size */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing size");
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (like 20GiB, 500MB or 1048576)");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        boolean binary = unit.contains("I");
        String prefix = unit.isEmpty() ? "" : unit.substring(0, 1);
        int power = "KMGTP".indexOf(prefix) + 1;
        if (prefix.equals("B") || prefix.isEmpty()) {
            power = 0;
        }
        BigDecimal base = BigDecimal.valueOf(binary ? 1024 : 1000);
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(base.pow(power));
        return bytes.longValue();
    }

    /** Human form with binary units, e.g. {@code 1.5 GiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
