package io.iotpipeline.domain;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event as a device publishes it (the fixed wire format). Event-level fields are typed; each entry of
 * {@code data.devices} stays a JSON node so that one malformed device can be rejected without losing the
 * valid devices of the same event.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceEvent(
        String eventId,
        Long eventOffset,
        String eventPublisher,
        String customerId,
        Data data,
        String eventTime) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Data(List<JsonNode> devices) {
    }
}
