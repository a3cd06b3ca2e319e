package org.cfs.backup.alert;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.cfs.backup.config.AlertConfig;

/** A second process for {@link CrossProcessAlertsTest}: raises keys 0..n-1 against a webhook. */
public final class RaiseMany {
    private RaiseMany() {
    }

    public static void main(String[] args) {
        Path state = Path.of(args[0]);
        String url = args[1];
        int n = Integer.parseInt(args[2]);
        ChannelAlerts a = ChannelAlerts.fromConfig(List.of(new AlertConfig(url, null, null, null)), state,
                "proc-" + ProcessHandle.current().pid(), Clock.systemUTC(), Backoff.none(), null);
        for (int i = 0; i < n; i++) {
            a.raise("key-" + i, Alerts.Severity.WARNING, "t", "m");
        }
    }
}
