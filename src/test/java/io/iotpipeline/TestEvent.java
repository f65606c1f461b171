package io.iotpipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The tests' one builder of events in the wire format, field by field, so a test states only what matters to it:
 * {@code TestEvent.of(id).customer("CI00800").device("D001", 21.5, "C", "SUCCESS").json()}. The eventId, the
 * eventTime and the device fields are written as given, so a test can put JSON escapes in them (a lone surrogate
 * {@code \\ud800}) to build the bad input it needs; publisher and customerId are quoted and escaped.
 */
public final class TestEvent {

    /** The eventTime of the seed's sample event. */
    public static final String SEED_TIME = "2023-01-05 11:13:53.643364";
    public static final String SEED_ID = "e3cb26d3-41b2-49a2-84f3-0156ed8d7502";

    private String eventId;
    private long eventOffset = 10001;
    private String publisher = "device";
    private String customerId = "CI00103";
    private String eventTime = SEED_TIME;
    private final List<String> devices = new ArrayList<>();

    private TestEvent(String eventId) {
        this.eventId = eventId;
    }

    /** An event with this eventId and no devices yet. */
    public static TestEvent of(String eventId) {
        return new TestEvent(eventId);
    }

    /** The seed's sample event: customer CI00103, D001 at 15 °C ERROR and D002 at 16 °C SUCCESS. */
    public static TestEvent seed() {
        return of(SEED_ID).device("D001", 15, "C", "ERROR").device("D002", 16, "C", "SUCCESS");
    }

    public TestEvent id(String id) {
        this.eventId = id;
        return this;
    }

    public TestEvent offset(long offset) {
        this.eventOffset = offset;
        return this;
    }

    public TestEvent publisher(String eventPublisher) {
        this.publisher = eventPublisher;
        return this;
    }

    /** null leaves the field out. */
    public TestEvent customer(String customer) {
        this.customerId = customer;
        return this;
    }

    public TestEvent time(String time) {
        this.eventTime = time;
        return this;
    }

    /** The pipeline clock's now, in UTC: a reading that is neither late nor in the future. */
    public TestEvent timeNow() {
        this.eventTime = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                .format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN);
        return this;
    }

    public TestEvent device(String deviceId, double temperature, String measure, String status) {
        devices.add(deviceJson(deviceId, temperature, measure, status));
        return this;
    }

    /** Devices as JSON text, as they are (bad ones included). */
    public TestEvent devices(String... json) {
        devices.addAll(List.of(json));
        return this;
    }

    public String json() {
        return "{\"eventId\":" + raw(eventId) + ",\"eventOffset\":" + eventOffset + ",\"eventPublisher\":"
                + quote(publisher) + (customerId == null ? "" : ",\"customerId\":" + quote(customerId))
                + ",\"data\":{\"devices\":[" + String.join(",", devices) + "]},\"eventTime\":" + raw(eventTime) + "}";
    }

    @Override
    public String toString() {
        return json();
    }

    /** One device entry as JSON; a whole temperature without a fraction, as devices write it. */
    public static String deviceJson(String deviceId, double temperature, String measure, String status) {
        return "{\"deviceId\":" + raw(deviceId) + ",\"temperature\":" + (temperature == Math.rint(temperature)
                && Math.abs(temperature) < 1e15 ? String.valueOf((long) temperature) : String.valueOf(temperature))
                + ",\"measure\":" + raw(measure) + ",\"status\":" + raw(status) + "}";
    }

    /** In quotes as it is: JSON escapes in it stay escapes. */
    private static String raw(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    public static String quote(String text) {
        return text == null ? "null" : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
