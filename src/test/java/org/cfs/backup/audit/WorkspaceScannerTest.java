package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace scanner over planted risky scripts and harmless neighbours: rule, file and line of each finding. */
class WorkspaceScannerTest {
    @TempDir
    Path ws;

    private Path plant(String rel, String... lines) throws IOException {
        Path f = ws.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    /** "rule@file-relative-to-ws:line" of every finding, sorted. */
    private Set<String> scan() {
        List<Finding> found = new WorkspaceScanner().scan(List.of(ws));
        for (Finding f : found) {
            assertEquals(Severity.CRITICAL, f.severity(), f.toString());
            assertEquals(f.file() + ":" + f.line(), f.subject());
        }
        return found.stream().map(f -> f.rule() + "@" + ws.relativize(Path.of(f.file())) + ":" + f.line())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shellScriptRisksAreFoundWithFileAndLine() throws IOException {
        plant("scripts/escalate.sh",
                "#!/bin/bash",                                                       // 1
                "set -e",                                                             // 2
                "echo '{\"userns-remap\": \"\"}' > /etc/docker/daemon.json",          // 3
                "sudo systemctl restart docker",                                      // 4
                "docker run --rm --privileged -d busybox sleep 1",                    // 5
                "docker run --cap-add=SYS_ADMIN busybox",                             // 6
                "docker run --pid=host --network host busybox",                       // 7
                "docker run -v /var/run/docker.sock:/var/run/docker.sock busybox",    // 8
                "usermod -aG docker kasm-user",                                       // 9
                "chmod 666 /var/run/docker.sock",                                     // 10
                "setcap cap_net_admin+ep /usr/bin/tool",                              // 11
                "nsenter -t 1 -m -u -i -n sh",                                        // 12
                "echo 'kasm-user ALL=(ALL) NOPASSWD:ALL' | sudo tee /etc/sudoers.d/kasm", // 13
                "mkdir -p /etc/systemd/system/docker.service.d",                      // 14
                "dockerd --iptables=false &",                                         // 15
                "gpasswd -a agent sudo",                                              // 16
                "docker run \\",                                                      // 17
                "  --privileged \\",                                                  // 18
                "  busybox");                                                         // 19
        Set<String> got = scan();
        assertEquals(new TreeSet<>(List.of(
                "docker-daemon-config@scripts/escalate.sh:3",
                "docker-daemon-restart@scripts/escalate.sh:4",
                "privileged-container@scripts/escalate.sh:5",
                "added-capabilities@scripts/escalate.sh:6",
                "host-namespace@scripts/escalate.sh:7",
                "docker-socket@scripts/escalate.sh:8",
                "privileged-group@scripts/escalate.sh:9",
                "docker-socket-permissions@scripts/escalate.sh:10",
                "setcap@scripts/escalate.sh:11",
                "nsenter@scripts/escalate.sh:12",
                "sudoers@scripts/escalate.sh:13",
                "docker-daemon-config@scripts/escalate.sh:14",
                "docker-daemon-config@scripts/escalate.sh:15",
                "privileged-group@scripts/escalate.sh:16",
                "privileged-container@scripts/escalate.sh:18")), got);
    }

    @Test
    void harmlessNeighboursCommentsAndDocsAreNotFindings() throws IOException {
        plant("scripts/harmless.sh",
                "#!/bin/sh",
                "# never run: docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock x",
                "docker ps --format '{{.Names}}'",
                "docker logs --tail 100 webui   # not --privileged",
                "docker run --rm -v \"$PWD:/src:ro\" busybox ls /src",
                "docker run --cap-drop ALL --network bridge busybox true",
                "cat /etc/docker/daemon.json 2>/dev/null | jq .",
                "systemctl status docker",
                "echo \"${#items[@]} items\"",
                "getcap /usr/bin/ping",
                "grep kasm /etc/group");
        plant("README.md",
                "# Notes",
                "Never `docker run --privileged`; never `usermod -aG docker me`; never `setcap`.",
                "    echo x > /etc/docker/daemon.json && systemctl restart docker");
        plant("docs/security.txt", "nsenter -t 1 -m sh", "docker run --privileged x");
        plant("tool.py",
                "\"\"\"Helper. Do not call docker run --privileged from here.\"\"\"",
                "import json",
                "print('docker run --privileged is not executed: this file never shells out')");
        plant("app.js",
                "// docker run --privileged",
                "/* setcap cap_net_admin+ep x",
                "   nsenter -t 1 */",
                "console.log('hello');");
        plant("node_modules/pkg/install.sh", "docker run --privileged x");
        plant(".git/hooks/post-merge", "#!/bin/sh", "setcap cap_sys_admin+ep x");
        plant("compose.yaml",
                "services:",
                "  web:",
                "    image: nginx",
                "    # privileged: true",
                "    network_mode: bridge",
                "    volumes:",
                "      - ./data:/data",
                "      - /etc/docker:/etc/docker:ro");
        assertEquals(Set.of(), scan());
    }

    @Test
    void dockerfilesComposeMakefilesPythonAndJavaScriptAreRead() throws IOException {
        plant("Dockerfile",
                "FROM debian:12",
                "# RUN setcap cap_net_raw+ep /bin/ping",
                "RUN apt-get update && apt-get install -y sudo",
                "RUN echo 'agent ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers",
                "COPY daemon.json /etc/docker/daemon.json",
                "RUN setcap cap_net_raw+ep /bin/ping");
        plant("deploy/docker-compose.yml",
                "services:",
                "  agent:",
                "    image: agent",
                "    privileged: true",
                "    pid: host",
                "    network_mode: \"host\"",
                "    cap_add:",
                "      - SYS_ADMIN",
                "    volumes:",
                "      - /var/run/docker.sock:/var/run/docker.sock",
                "    security_opt:",
                "      - seccomp:unconfined");
        plant("Makefile",
                "up:",
                "\tdocker compose up -d",
                "root:",
                "\t# sudo usermod -aG docker $(USER)",
                "\tsudo usermod -aG docker $(USER)",
                "\tsudo service docker restart");
        plant("tools/escalate.py",
                "import subprocess",
                "def up():",
                "    \"\"\"Starts the helper container.",
                "    Mentions --privileged in a docstring, which is documentation.",
                "    \"\"\"",
                "    subprocess.run([\"docker\", \"run\", \"--privileged\", \"img\"], check=True)  # risky",
                "    subprocess.run([\"systemctl\", \"restart\", \"docker\"])",
                "    with open('/etc/docker/daemon.json', 'w') as f:",
                "        f.write('{}')",
                "    # subprocess.run(['nsenter', '-t', '1'])",
                "    subprocess.run(['docker', 'ps'])");
        plant("tools/escalate.mjs",
                "import { execSync } from 'node:child_process';",
                "// execSync('docker run --privileged x')",
                "execSync('docker run --cap-add SYS_PTRACE -v /var/run/docker.sock:/var/run/docker.sock img');",
                "execSync(\"nsenter --target 1 --mount sh\");",
                "execSync('docker logs web');");
        Path noExt = plant("bin/provision", "#!/usr/bin/env bash", "", "sudo visudo -f /etc/sudoers.d/agent");
        Files.setPosixFilePermissions(noExt, PosixFilePermissions.fromString("rwxr-xr-x"));
        Set<String> got = scan();
        assertEquals(new TreeSet<>(List.of(
                "sudoers@Dockerfile:4",
                "docker-daemon-config@Dockerfile:5",
                "setcap@Dockerfile:6",
                "privileged-container@deploy/docker-compose.yml:4",
                "host-namespace@deploy/docker-compose.yml:5",
                "host-namespace@deploy/docker-compose.yml:6",
                "added-capabilities@deploy/docker-compose.yml:7",
                "docker-socket@deploy/docker-compose.yml:10",
                "privileged-container@deploy/docker-compose.yml:12",
                "privileged-group@Makefile:5",
                "docker-daemon-restart@Makefile:6",
                "privileged-container@tools/escalate.py:6",
                "docker-daemon-restart@tools/escalate.py:7",
                "docker-daemon-config@tools/escalate.py:8",
                "added-capabilities@tools/escalate.mjs:3",
                "docker-socket@tools/escalate.mjs:3",
                "nsenter@tools/escalate.mjs:4",
                "sudoers@bin/provision:3")), got);
    }

    @Test
    void pythonThatDoesNotShellOutIsNotAFinding() {
        List<Finding> f = WorkspaceScanner.scanText("/w/x.py", ScriptKind.PYTHON,
                List.of("CMD = 'docker run --privileged img'", "print(CMD)"));
        assertTrue(f.isEmpty(), f.toString());
        List<Finding> g = WorkspaceScanner.scanText("/w/y.py", ScriptKind.PYTHON,
                List.of("import os", "CMD = 'docker run --privileged img'", "os.system(CMD)"));
        assertEquals(List.of("privileged-container:2"), g.stream().map(x -> x.rule() + ":" + x.line()).toList());
        assertTrue(g.get(0).detail().startsWith("Python script"), g.get(0).detail());
    }

    @Test
    void aMissingWorkspaceIsReportedNotIgnored() {
        List<Finding> f = new WorkspaceScanner().scan(List.of(ws.resolve("absent")));
        assertEquals(1, f.size());
        assertEquals("audit-incomplete", f.get(0).rule());
        assertEquals(Severity.WARNING, f.get(0).severity());
    }
}
