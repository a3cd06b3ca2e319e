package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: progress for the restic calls that print none (dump's bytes, restore's filling). */
class ByteProgressTest {
    @TempDir
    Path tmp;

    @Test
    void aStreamIsCountedAndItsLastStepKnowsTheTotal() throws Exception {
        List<ResticProgress> steps = new CopyOnWriteArrayList<>();
        byte[] data = new byte[3_000_000];
        long[] read = new long[1];
        ByteProgress.counting(in -> read[0] = in.transferTo(java.io.OutputStream.nullOutputStream()), steps::add)
                .accept(new ByteArrayInputStream(data));
        assertEquals(3_000_000, read[0]);
        ResticProgress last = steps.get(steps.size() - 1);
        assertEquals(new ResticProgress(ResticProgress.BYTES, 3_000_000, 3_000_000, last.elapsed()), last);
        assertTrue(steps.size() <= 3, "paced, not one step per read: " + steps.size());
    }

    @Test
    void withoutAListenerTheConsumerIsUntouched() {
        org.cfs.backup.process.ProcessSpec.StreamConsumer c = in -> { };
        assertTrue(ByteProgress.counting(c, null) == c);
    }

    @Test
    void aRestoreIsToldOnceASecondAndNoMoreAfterItEnded() throws Exception {
        List<ResticProgress> steps = new CopyOnWriteArrayList<>();
        try (ByteProgress.Ticker t = ByteProgress.watchFilling(tmp.resolve("not/yet/there"), steps::add)) {
            Thread.sleep(2300);
        }
        int seen = steps.size();
        assertTrue(seen >= 1 && seen <= 3, "steps " + seen);
        assertTrue(steps.stream().allMatch(s -> s.unit().equals(ResticProgress.BYTES) && s.done() >= 0 && s.total() == -1));
        Thread.sleep(1300);
        assertEquals(seen, steps.size(), "the ticker stopped with the call");
    }
}
