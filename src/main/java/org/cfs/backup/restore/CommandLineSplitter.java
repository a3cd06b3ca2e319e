package org.cfs.backup.restore;

import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.CfsException;

/** Splits {@code --pipe-to "CMD ARGS"} into an argument list, honouring quotes; no shell is involved. */
public final class CommandLineSplitter {
    private CommandLineSplitter() {
    }

    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inToken = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quote != 0) {
            throw CfsException.usage("--pipe-to: unbalanced quote in '" + line + "'");
        }
        if (inToken) {
            out.add(cur.toString());
        }
        if (out.isEmpty()) {
            throw CfsException.usage("--pipe-to needs a command");
        }
        return out;
    }
}
