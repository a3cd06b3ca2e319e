package org.cfs.backup.alert;

/**
 * A channel could not deliver. {@code retryable} is false for answers that another try cannot
 * change (HTTP 4xx other than 408/429, an SMTP login refused), so no time is wasted on them.
 */
public final class DeliveryException extends Exception {
    private final boolean retryable;

    public DeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public DeliveryException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
