package org.cfs.backup.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where the guided prompts (remote setup, the in-place restore's confirmation) read their answers:
 * the real terminal, or the stdin stream handed to {@link Main#run}, so that tests and scripts
 * answer them in-process. Without a terminal and without a given stream there is no one to ask.
 */
interface Prompts {
    /** True when someone can answer. */
    boolean available();

    /** The answer, or null at end of input. */
    String readLine(String format, Object... args);

    /** A secret answer (not echoed on a terminal), or null at end of input. */
    char[] readPassword(String format, Object... args);

    /** The process's terminal, when it has one. */
    static Prompts console() {
        Console c = System.console();
        return new Prompts() {
            @Override
            public boolean available() {
                return c != null;
            }

            @Override
            public String readLine(String format, Object... args) {
                return c == null ? null : c.readLine(format, args);
            }

            @Override
            public char[] readPassword(String format, Object... args) {
                return c == null ? null : c.readPassword(format, args);
            }
        };
    }

    /** Answers read line by line from {@code in}; the questions go to {@code err}. */
    static Prompts of(InputStream in, PrintWriter err) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return new Prompts() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public String readLine(String format, Object... args) {
                err.print(String.format(java.util.Locale.ROOT, format, args));
                err.flush();
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public char[] readPassword(String format, Object... args) {
                String line = readLine(format, args);
                return line == null ? null : line.toCharArray();
            }
        };
    }
}
