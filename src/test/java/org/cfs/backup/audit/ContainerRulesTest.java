package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.junit.jupiter.api.Test;

/**
 * The container rules over {@code docker inspect} output recorded from the real engine
 * ({@code src/test/resources/audit/docker-inspect.json}: a writable and a read-only bind of a
 * protected folder, secrets in the environment, a privileged container with the socket mounted).
 */
class ContainerRulesTest {
    private static final String PROTECTED = "/tmp/cfs-rec-protected";

    /** Replays recorded docker output; records the argument lists it was given. */
    static final class ReplayRunner implements ProcessRunner {
        final List<List<String>> calls = new ArrayList<>();
        final String psOut;
        final String inspectOut;
        final int inspectExit;

        ReplayRunner(String psOut, String inspectOut, int inspectExit) {
            this.psOut = psOut;
            this.inspectOut = inspectOut;
            this.inspectExit = inspectExit;
        }

        @Override
        public ProcessResult run(ProcessSpec spec) {
            calls.add(spec.command());
            if (spec.command().get(1).equals("ps")) {
                return new ProcessResult(0, psOut, "", Duration.ZERO, false);
            }
            return new ProcessResult(inspectExit, inspectOut, inspectExit == 0 ? "" : "Error: No such object: gone",
                    Duration.ZERO, false);
        }
    }

    static String recorded() throws IOException {
        try (InputStream in = ContainerRulesTest.class.getResourceAsStream("/audit/docker-inspect.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HeldSecrets secrets(String... values) {
        List<HeldSecrets.Secret> s = new ArrayList<>();
        for (String v : values) {
            s.add(new HeldSecrets.Secret("cfs-backup's restic repository password", v));
        }
        return new HeldSecrets(s, List.of());
    }

    private static Set<String> keys(List<Finding> findings) {
        Set<String> out = new TreeSet<>();
        for (Finding f : findings) {
            out.add(f.rule() + "|" + f.severity().label() + "|" + f.subject());
        }
        return out;
    }

    @Test
    void recordedContainersBreakTheExpectedRules() throws IOException {
        ReplayRunner runner = new ReplayRunner("aaa\nbbb\nccc\n", recorded(), 0);
        List<ContainerInspector.Info> all = new ContainerInspector("docker", runner).containers();
        assertEquals(List.of(List.of("docker", "ps", "-aq", "--no-trunc"), List.of("docker", "inspect", "aaa", "bbb", "ccc")),
                runner.calls);
        assertEquals(3, all.size());
        ContainerRules rules = new ContainerRules(List.of(PROTECTED, "/opt/cfs-infra"), secrets("correct-horse-battery"));
        List<Finding> findings = new ArrayList<>();
        for (ContainerInspector.Info c : all) {
            findings.addAll(rules.check(c));
        }
        assertEquals(new TreeSet<>(List.of(
                "protected-mount-writable|critical|cfs-rec-rw:/data",
                "legacy-shadow-mount|warning|cfs-rec-ro:/backup",
                "container-secret-env|critical|cfs-rec-ro:RESTIC_REPOSITORY",
                "container-secret-env|critical|cfs-rec-ro:BACKUP_URL",
                "container-secret-env|critical|cfs-rec-ro:API_TOKEN",
                "protected-mount-writable|critical|cfs-rec-priv:/host-opt",
                "docker-socket|critical|cfs-rec-priv:/var/run/docker.sock",
                "privileged-container|critical|cfs-rec-priv",
                "host-namespace|warning|cfs-rec-priv",
                "added-capabilities|warning|cfs-rec-priv")), keys(findings));
        String all1 = findings.toString();
        assertFalse(all1.contains("correct-horse-battery"), all1);
        assertFalse(all1.contains("tok-abc"), all1);
        Finding held = findings.stream().filter(f -> f.subject().equals("cfs-rec-ro:BACKUP_URL")).findFirst().orElseThrow();
        assertTrue(held.detail().contains("restic repository password"), held.detail());
        Finding parent = findings.stream().filter(f -> f.subject().equals("cfs-rec-priv:/host-opt")).findFirst().orElseThrow();
        assertTrue(parent.detail().contains("contains protected path /opt/cfs-infra"), parent.detail());
        Finding ns = findings.stream().filter(f -> f.rule().equals("host-namespace")).findFirst().orElseThrow();
        assertTrue(ns.detail().contains("pid, network"), ns.detail());
    }

    @Test
    void aContainerGoneBetweenPsAndInspectStillLetsTheOthersBeChecked() throws IOException {
        ReplayRunner runner = new ReplayRunner("aaa\ngone\n", recorded(), 1);
        assertEquals(3, new ContainerInspector("docker", runner).containers().size());
    }

    @Test
    void noContainersMeansNoInspectCall() {
        ReplayRunner runner = new ReplayRunner("\n", "", 0);
        assertEquals(List.of(), new ContainerInspector("docker", runner).containers());
        assertEquals(1, runner.calls.size());
    }

    @Test
    void secretNamesFollowTheIssue() {
        for (String n : List.of("DB_PASSWORD", "MARIADB_ROOT_PASSWORD", "client_secret", "GITHUB_TOKEN", "OPENAI_API_KEY",
                "RESTIC_PASSWORD", "RESTIC_REPOSITORY", "RCLONE_CONFIG_PASS")) {
            assertTrue(ContainerRules.SECRET_NAME.matcher(n).matches(), n);
        }
        for (String n : List.of("PATH", "HOME", "TZ", "RCLONE_CONFIG", "KEYBOARD")) {
            assertFalse(ContainerRules.SECRET_NAME.matcher(n).matches(), n);
        }
    }

    @Test
    void unconfinedSecurityOptionsOfUnprivilegedContainersAreCritical() {
        ContainerInspector.Info c = new ContainerInspector.Info("id", "web", "running", false, "", "bridge", "private",
                "", "", List.of(), List.of("seccomp=unconfined", "no-new-privileges"), List.of(), List.of("PATH=/bin"));
        List<Finding> f = new ContainerRules(List.of("/opt/cfs-infra"), secrets()).check(c);
        assertEquals(Set.of("privileged-container|critical|web:seccomp=unconfined"), keys(f));
    }

    @Test
    void pathContainment() {
        assertTrue(ContainerRules.under("/opt/cfs-infra/data", "/opt/cfs-infra"));
        assertTrue(ContainerRules.under("/opt/cfs-infra", "/opt/cfs-infra"));
        assertFalse(ContainerRules.under("/opt/cfs-infra2", "/opt/cfs-infra"));
        assertTrue(ContainerRules.under("/opt/cfs-infra", "/"));
        assertEquals("/opt/cfs-infra", ContainerRules.normalize("/opt/cfs-infra/"));
    }
}
