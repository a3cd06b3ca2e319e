package org.cfs.backup.alert;

import java.util.List;

/** What the HTTP channels share: an id, one target URL (its userinfo kept out of logs) and the delivery. */
abstract class HttpChannel implements Channel {
    private final String kind;
    private final String id;
    protected final HttpDelivery.Target target;
    protected final HttpDelivery http;

    HttpChannel(String kind, String id, String url, HttpDelivery http) {
        this.kind = kind;
        this.id = id;
        this.target = HttpDelivery.Target.parse(url);
        this.http = http;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String describe() {
        return kind + " " + target.origin();
    }

    @Override
    public List<String> secrets() {
        return target.secrets();
    }
}
