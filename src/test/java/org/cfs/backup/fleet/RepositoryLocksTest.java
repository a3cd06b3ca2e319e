package org.cfs.backup.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which restic locks the fleet takes as a dead node's (the judgement; FleetLocksIT removes real ones). */
class RepositoryLocksTest {
    private static RepositoryLocks.Lock lock(String host) {
        return new RepositoryLocks.Lock("id-" + host, Instant.EPOCH, false, host, 42);
    }

    @Test
    void onlyLocksOfMachinesWhoseEveryNodeIsDeadAreStale() {
        List<FleetStore.Member> members = List.of(
                new FleetStore.Member("app-1", "vm-app", false),
                // two nodes on one machine: one alive keeps the machine's locks
                new FleetStore.Member("stage-a", "vm-stage", false),
                new FleetStore.Member("stage-b", "vm-stage", true),
                new FleetStore.Member("db-1", "db-1", true),
                new FleetStore.Member("me", "vm-me", true));
        List<RepositoryLocks.Lock> locks = List.of(lock("vm-app"), lock("app-1"), lock("vm-stage"), lock("db-1"),
                lock("stranger"), lock("me"), lock(RepositoryLocks.osHostName()), lock(""));
        assertEquals(List.of("vm-app", "app-1"), RepositoryLocks.ofDeadNodes(locks, members, "me").stream()
                .map(RepositoryLocks.Lock::hostname).toList());
        // the machine this runs on is restic's to judge (it sees the pid), even as a dead member
        List<FleetStore.Member> deadSelf = List.of(new FleetStore.Member("old", RepositoryLocks.osHostName(), false));
        assertEquals(List.of(), RepositoryLocks.ofDeadNodes(List.of(lock(RepositoryLocks.osHostName())), deadSelf, "me"));
    }
}
