package io.iotpipeline.ingest;

import java.io.IOException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.TemperatureUnit;

/**
 * The common case in one streaming pass: an event in exactly the wire format (each of its six fields once, each
 * device with deviceId, temperature, measure and status only, once each) whose every device is a valid reading.
 * Binding a record and a tree per device costs more than all the other checks of a reading; the full path
 * ({@link EventReader}, {@link ReadingRules}) stays for everything else. Whatever this reader does not take as it is
 * (another shape, a duplicate key, extra sensor fields, anything to report) it leaves untouched for the full path, so
 * an event yields the same readings and dead letters either way.
 */
final class WellFormedEvent {

    private static final JsonFactory JSON = EventJson.MAPPER.getFactory();
    private static final int EVENT_ID = 1;
    private static final int EVENT_OFFSET = 2;
    private static final int EVENT_PUBLISHER = 4;
    private static final int CUSTOMER_ID = 8;
    private static final int EVENT_TIME = 16;
    private static final int DATA = 32;
    private static final int ALL_FIELDS = 63;

    private WellFormedEvent() {
    }

    /** A device as read, before it is known to be part of a well-formed event. */
    record Device(String deviceId, String measure, String status, double temperature) {
    }

    /** An event in the common shape whose event-level fields are valid, its devices as read (not yet judged). */
    record Parsed(UUID eventId, String customerId, long eventOffset, String eventPublisher, LocalDateTime eventTime,
                  List<Device> devices) {
    }

    /** The event, or null when it is not in the common shape or one of its event-level fields is not valid. */
    static Parsed parse(byte[] value) {
        try (JsonParser json = JSON.createParser(value)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String eventId = null;
            String publisher = null;
            String customerId = null;
            String eventTime = null;
            long eventOffset = 0;
            List<Device> devices = null;
            int seen = 0;
            JsonToken token;
            while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken field = json.nextToken();
                int bit;
                switch (name) {
                    case "eventId" -> {
                        bit = EVENT_ID;
                        eventId = field == JsonToken.VALUE_STRING ? json.getText() : null;
                    }
                    case "eventOffset" -> {
                        bit = EVENT_OFFSET;
                        if (field != JsonToken.VALUE_NUMBER_INT
                                || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null;
                        }
                        eventOffset = json.getLongValue();
                    }
                    case "eventPublisher" -> {
                        bit = EVENT_PUBLISHER;
                        publisher = field == JsonToken.VALUE_STRING ? json.getText() : null;
                    }
                    case "customerId" -> {
                        bit = CUSTOMER_ID;
                        customerId = field == JsonToken.VALUE_STRING ? json.getText() : null;
                    }
                    case "eventTime" -> {
                        bit = EVENT_TIME;
                        eventTime = field == JsonToken.VALUE_STRING ? json.getText() : null;
                    }
                    case "data" -> {
                        bit = DATA;
                        devices = field == JsonToken.START_OBJECT ? devices(json) : null;
                    }
                    default -> {
                        json.skipChildren(); // the event record ignores unknown fields too
                        continue;
                    }
                }
                if ((seen & bit) != 0) {
                    return null;
                }
                seen |= bit;
            }
            if (token != JsonToken.END_OBJECT || seen != ALL_FIELDS || devices == null || devices.isEmpty()
                    || json.nextToken() != null || eventTime == null
                    || !ReadingRules.isValidEvent(eventId, publisher, customerId, eventOffset)) {
                return null;
            }
            return new Parsed(UUID.fromString(eventId), customerId, eventOffset, publisher,
                    ReadingRules.parseEventTime(eventTime), devices);
        } catch (IOException | InvalidEventException e) {
            return null; // the full path reads it again and says what is wrong
        }
    }

    /**
     * Adds the event's readings to {@code readings} and returns true when every device is a valid reading, or returns
     * false with {@code readings} as it was.
     */
    static boolean readings(Parsed event, ReadingRules rules, SourceRecord source, List<DeviceReading> readings) {
        int start = readings.size();
        List<Device> devices = event.devices();
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            if (!rules.isValidDevice(device.deviceId(), device.measure(), device.status(), device.temperature())
                    || appearsBefore(devices, i)) {
                readings.subList(start, readings.size()).clear();
                return false;
            }
            readings.add(new DeviceReading(event.eventId(), event.customerId(), event.eventOffset(),
                    event.eventPublisher(), event.eventTime(), device.deviceId(), device.measure(), device.status(),
                    device.temperature(), TemperatureUnit.of(device.measure()).orElseThrow()
                            .toCelsius(device.temperature()), null, source, false));
        }
        return true;
    }

    /** {@code data}'s devices, the parser on data's start; null when they are not all in the common shape. */
    private static List<Device> devices(JsonParser json) throws IOException {
        List<Device> devices = null;
        JsonToken token;
        while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken field = json.nextToken();
            if (!name.equals("devices")) {
                json.skipChildren();
                continue;
            }
            if (devices != null || field != JsonToken.START_ARRAY) {
                return null;
            }
            devices = new java.util.ArrayList<>(4);
            while ((token = json.nextToken()) == JsonToken.START_OBJECT) {
                Device device = device(json);
                if (device == null) {
                    return null;
                }
                devices.add(device);
            }
            if (token != JsonToken.END_ARRAY) {
                return null;
            }
        }
        return token == JsonToken.END_OBJECT ? devices : null;
    }

    /** One device, the parser on its start; null unless it has exactly the four fixed fields, of their types. */
    private static Device device(JsonParser json) throws IOException {
        String deviceId = null;
        String measure = null;
        String status = null;
        double temperature = Double.NaN;
        int seen = 0;
        JsonToken token;
        while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken field = json.nextToken();
            int bit;
            switch (name) {
                case "deviceId" -> {
                    bit = 1;
                    deviceId = field == JsonToken.VALUE_STRING ? json.getText() : null;
                }
                case "measure" -> {
                    bit = 2;
                    measure = field == JsonToken.VALUE_STRING ? json.getText() : null;
                }
                case "status" -> {
                    bit = 4;
                    status = field == JsonToken.VALUE_STRING ? json.getText() : null;
                }
                case "temperature" -> {
                    bit = 8;
                    if (field != JsonToken.VALUE_NUMBER_INT && field != JsonToken.VALUE_NUMBER_FLOAT) {
                        return null;
                    }
                    temperature = json.getDoubleValue();
                }
                default -> {
                    return null; // extra sensor fields: the full path keeps them as JSON
                }
            }
            if ((seen & bit) != 0) {
                return null;
            }
            seen |= bit;
        }
        if (token != JsonToken.END_OBJECT || seen != 15 || deviceId == null || measure == null || status == null) {
            return null;
        }
        return new Device(deviceId, measure, status, temperature);
    }

    private static boolean appearsBefore(List<Device> devices, int index) {
        String deviceId = devices.get(index).deviceId();
        for (int i = 0; i < index; i++) {
            if (devices.get(i).deviceId().equals(deviceId)) {
                return true;
            }
        }
        return false;
    }
}
