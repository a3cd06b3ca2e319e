package org.cfs.backup.alert;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** POSTs each {@link Notice} as one JSON object (key, severity, title, message, host, state, time). */
final class WebhookChannel implements Channel {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private final String id;
    private final HttpDelivery.Target target;
    private final HttpDelivery http;

    WebhookChannel(String id, String url, HttpDelivery http) {
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
        return "webhook " + target.origin();
    }

    @Override
    public List<String> secrets() {
        return target.secrets();
    }

    @Override
    public void notify(Notice notice) throws DeliveryException {
        String body;
        try {
            body = JSON.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new DeliveryException("cannot render JSON: " + e.getOriginalMessage(), false, e);
        }
        http.post(target, target.uri(), Map.of("Content-Type", "application/json"), body);
    }

    @Override
    public void ping(String job, Ping ping, String body) {
    }
}
