package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison with the live source, for small files (after their tar bytes) and large ones
 * (the live copy hashed while the tar bytes are read): rot is named, a short entry is not taken
 * for rot.
 */
class TarVerifierLiveTest {
    private static final String ROOT = "/srv/data";
    private static final int BIG = (int) TarVerifier.EARLY_LIVE_MIN + 12345;

    @TempDir
    Path live;

    private final ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes);
    private final ListingIndex index = new ListingIndex();

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A file in the snapshot (tar and listing) and its live copy with the same size and mtime. */
    private void file(String name, byte[] snapshot, byte[] liveBytes) throws IOException {
        Path p = live.resolve(name);
        Files.write(p, liveBytes);
        long mtime = Files.getLastModifiedTime(p).to(TimeUnit.NANOSECONDS);
        index.put(ROOT + "/" + name, ListingIndex.FILE, snapshot.length, mtime);
        TarArchiveEntry e = new TarArchiveEntry(ROOT.substring(1) + "/" + name);
        e.setSize(snapshot.length);
        tar.putArchiveEntry(e);
        tar.write(snapshot);
        tar.closeArchiveEntry();
    }

    private long early;
    private long compared;

    private Problems verify(byte[] stream) {
        Problems problems = new Problems();
        try (LiveComparison cmp = new LiveComparison(problems)) {
            new TarVerifier(index, ROOT, live, problems, cmp).read(new ByteArrayInputStream(stream));
            cmp.close();
            early = cmp.started.get();
            compared = cmp.compared.get();
        }
        return problems;
    }

    @Test
    void rotInALargeOrASmallLiveFileIsNamedAndSoundFilesPass() throws IOException {
        byte[] big = bytes(BIG, 1);
        byte[] rotten = big.clone();
        rotten[BIG / 2] ^= 1;
        file("big-sound", big, big);
        file("big-rotten", big, rotten);
        file("small-rotten", "hello\n".getBytes(), "hellO\n".getBytes());
        file("small-sound", "same\n".getBytes(), "same\n".getBytes());
        tar.finish();
        Problems p = verify(tarBytes.toByteArray());
        String all = p.list().toString();
        assertEquals(2, p.list().size(), all);
        assertTrue(all.contains(ROOT + "/big-rotten: the live file"), all);
        assertTrue(all.contains(ROOT + "/small-rotten: the live file"), all);
        assertEquals(2, early, "both large files are compared early");
        assertEquals(4, compared);
    }

    @Test
    void aLargeEntryCutShortIsABrokenStreamNotRot() throws IOException {
        byte[] big = bytes(BIG, 2);
        file("big", big, big);
        tar.finish();
        byte[] whole = tarBytes.toByteArray();
        // the stream ends in the middle of the file's bytes, as when restic dies
        Problems p = verify(Arrays.copyOf(whole, 512 + BIG / 2));
        String all = p.list().toString();
        assertEquals(1, p.list().size(), all);
        assertTrue(all.contains("tar stream broke off"), all);
        assertEquals(1, early);
        assertEquals(0, compared, "half a file is not compared with the live one");
    }
}
