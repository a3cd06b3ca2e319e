package org.cfs.backup.drill;

import java.nio.charset.StandardCharsets;

/**
 * The snapshot's listing in a compact form for checking a tar stream against it: per path a
 * 64-bit hash, the type, size and mtime in primitive arrays (about 50 bytes per entry, so a
 * million files fit in a small heap). Names are not kept: the rare failing entries are named by
 * a second pass over the listing.
 */
final class ListingIndex {
    static final byte FILE = 1;
    static final byte DIR = 2;
    static final byte SYMLINK = 3;
    static final byte OTHER = 4;
    private static final byte SEEN = (byte) 0x80;

    private long[] keys;
    private long[] sizes;
    private long[] mtimes;
    private byte[] flags;
    private int size;
    private long fileBytes;
    private long files;

    ListingIndex() {
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        sizes = new long[capacity];
        mtimes = new long[capacity];
        flags = new byte[capacity];
    }

    static byte type(String resticType) {
        return switch (resticType == null ? "" : resticType) {
            case "file" -> FILE;
            case "dir" -> DIR;
            case "symlink" -> SYMLINK;
            default -> OTHER;
        };
    }

    /** A 64-bit hash of a path (FNV-1a, then a SplitMix64 finaliser); never 0, the empty slot. */
    static long hash(String path) {
        long h = 0xcbf29ce484222325L;
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }

    void put(String path, byte type, long fileSize, long mtimeNanos) {
        if ((size + 1) * 2L > keys.length) {
            grow();
        }
        long k = hash(path);
        int i = slot(k);
        if (keys[i] == 0) {
            size++;
            if (type == FILE) {
                files++;
                fileBytes += fileSize;
            }
        }
        keys[i] = k;
        sizes[i] = fileSize;
        mtimes[i] = mtimeNanos;
        flags[i] = type;
    }

    private int slot(long k) {
        int mask = keys.length - 1;
        int i = (int) (k ^ (k >>> 32)) & mask;
        while (keys[i] != 0 && keys[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] k = keys;
        long[] s = sizes;
        long[] m = mtimes;
        byte[] f = flags;
        allocate(k.length * 2);
        for (int j = 0; j < k.length; j++) {
            if (k[j] != 0) {
                int i = slot(k[j]);
                keys[i] = k[j];
                sizes[i] = s[j];
                mtimes[i] = m[j];
                flags[i] = f[j];
            }
        }
    }

    /** The slot of a listed path, or -1. */
    int find(String path) {
        long k = hash(path);
        int i = slot(k);
        return keys[i] == 0 ? -1 : i;
    }

    byte typeAt(int slot) {
        return (byte) (flags[slot] & 0x7f);
    }

    long sizeAt(int slot) {
        return sizes[slot];
    }

    long mtimeAt(int slot) {
        return mtimes[slot];
    }

    /** Marks the entry as met; false when it was met before (a duplicate in the stream). */
    boolean markSeen(int slot) {
        if ((flags[slot] & SEEN) != 0) {
            return false;
        }
        flags[slot] |= SEEN;
        return true;
    }

    boolean seen(String path) {
        int i = find(path);
        return i >= 0 && (flags[i] & SEEN) != 0;
    }

    long unseenCount() {
        long n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0 && (flags[i] & SEEN) == 0) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return size;
    }

    long files() {
        return files;
    }

    long fileBytes() {
        return fileBytes;
    }
}
