package org.cfs.backup.config;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/** A configuration error: names the file, the key and (when known) the line; exit 2. */
public class ConfigException extends CfsException {
    public ConfigException(String message) {
        super(ExitCode.USAGE, message);
    }

    public static ConfigException plain(String message) {
        return new ConfigException(message);
    }
}
