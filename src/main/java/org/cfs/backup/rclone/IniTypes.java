package org.cfs.backup.rclone;

import java.util.Locale;

/** Reads a remote's {@code type} from the text of an unencrypted rclone.conf, without running rclone. */
final class IniTypes {
    private IniTypes() {
    }

    static String typeOf(String configText, String remote) {
        String section = null;
        for (String raw : configText.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (remote.equals(section) && eq > 0
                    && line.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("type")) {
                return line.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
