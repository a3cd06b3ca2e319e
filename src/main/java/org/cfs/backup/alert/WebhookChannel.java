package org.cfs.backup.alert;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** POSTs each {@link Notice} as one JSON object (key, severity, title, message, host, state, time). */
final class WebhookChannel extends HttpChannel {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    WebhookChannel(String id, String url, HttpDelivery http) {
        super("webhook", id, url, http);
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
