package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The audit leaves out a boot drill's own labelled scratch containers (issue 16). */
class ContainerInspectorBootDrillTest {
    @Test
    void labelledScratchContainersAreNotAudited() {
        String json = """
                [{"Id": "a1", "Name": "/open-webui", "State": {"Status": "running"}, "HostConfig": {"Privileged": true},
                  "Config": {"Labels": {"com.docker.compose.project": "openwebui"}, "Env": []}, "Mounts": []},
                 {"Id": "b2", "Name": "/cfs-bootdrill-open-webui-1-abc", "State": {"Status": "running"},
                  "HostConfig": {"Privileged": true}, "Config": {"Labels": {"cfs-backup.boot-drill": "1"}, "Env": []},
                  "Mounts": []}]
                """;
        List<ContainerInspector.Info> seen = ContainerInspector.parse(json);
        assertEquals(List.of("open-webui"), seen.stream().map(ContainerInspector.Info::name).toList());
    }
}
