package org.cfs.backup.process;

import java.util.ArrayDeque;
import java.util.Deque;

/** Keeps the last lines of a stream up to a character cap, so a chatty child cannot fill the heap. */
public final class TailBuffer {
    private final int maxChars;
    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;

    public TailBuffer(int maxChars) {
        this.maxChars = maxChars;
    }

    public synchronized void add(String line) {
        String l = line.length() > maxChars ? line.substring(0, maxChars) : line;
        lines.addLast(l);
        chars += l.length() + 1;
        while (chars > maxChars && lines.size() > 1) {
            chars -= lines.removeFirst().length() + 1;
        }
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }
}
