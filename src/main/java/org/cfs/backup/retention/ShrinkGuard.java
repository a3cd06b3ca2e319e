package org.cfs.backup.retention;

/**
 * The prune guard: a source whose newest snapshot is less than half the size of the one before
 * looks broken (an empty mount, a failed dump), so its older snapshots must not be forgotten.
 */
public final class ShrinkGuard {
    private ShrinkGuard() {
    }

    /** True when {@code newest} is less than half of {@code previous}. */
    public static boolean trips(long newest, long previous) {
        return previous > 0 && newest >= 0 && newest * 2 < previous;
    }
}
