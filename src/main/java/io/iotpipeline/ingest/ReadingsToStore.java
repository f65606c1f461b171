package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;

/**
 * What a route loaded from a file (routes/*.yaml) receives on {@code direct:readings-before-store}: the batch's valid
 * readings, late ones flagged, before detection and the store. The route answers a body made by the methods below
 * (or leaves it as it is). A reading it drops becomes a dead letter with the reason: it is never lost silently.
 * Not a record on purpose: simple's method calls on the body key a cache by the body's hash.
 */
public final class ReadingsToStore {

    private final List<DeviceReading> readings;
    private final List<DeadLetter> dropped;

    public ReadingsToStore(List<DeviceReading> readings) {
        this(readings, List.of());
    }

    private ReadingsToStore(List<DeviceReading> readings, List<DeadLetter> dropped) {
        this.readings = readings;
        this.dropped = dropped;
    }

    public List<DeviceReading> readings() {
        return readings;
    }

    /** The readings dropped so far, as dead letters. */
    public List<DeadLetter> dropped() {
        return dropped;
    }

    public int size() {
        return readings.size();
    }

    /** Without the readings of devices whose id starts with {@code prefix} (test rigs, decommissioned sites). */
    public ReadingsToStore withoutDevicesStartingWith(String prefix) {
        return without(reading -> reading.deviceId().startsWith(prefix), "deviceId starts with '" + prefix + "'");
    }

    /** Without the readings of this status. */
    public ReadingsToStore withoutStatus(String status) {
        return without(reading -> reading.status().equals(status), "status " + status);
    }

    /**
     * Every reading with one more field in its extraFields (e.g. the site a topic comes from). A replay must give the
     * same value: a reading stored once with other values is a conflict (docs/guarantees.md).
     */
    public ReadingsToStore withExtraField(String name, String value) {
        List<DeviceReading> enriched = new ArrayList<>(readings.size());
        for (DeviceReading r : readings) {
            enriched.add(new DeviceReading(r.eventId(), r.customerId(), r.eventOffset(), r.eventPublisher(),
                    r.eventTime(), r.deviceId(), r.measure(), r.status(), r.temperature(), r.temperatureCelsius(),
                    withField(r.extraFields(), name, value), r.measurements(), r.source(), r.late()));
        }
        return new ReadingsToStore(enriched, dropped);
    }

    /** All readings dropped, with the reason: what a failing route before the store leaves of its batch. */
    public ReadingsToStore allDropped(String reason) {
        return without(reading -> true, reason);
    }

    private ReadingsToStore without(Predicate<DeviceReading> drop, String why) {
        List<DeviceReading> kept = new ArrayList<>(readings.size());
        List<DeadLetter> droppedNow = new ArrayList<>(dropped);
        for (DeviceReading reading : readings) {
            if (drop.test(reading)) {
                droppedNow.add(DeadLetter.ofDroppedReading(reading, "DROPPED before the store: " + why));
            } else {
                kept.add(reading);
            }
        }
        return new ReadingsToStore(kept, droppedNow);
    }

    private static String withField(String extraFields, String name, String value) {
        try {
            ObjectNode fields = extraFields == null ? EventJson.MAPPER.createObjectNode()
                    : (ObjectNode) EventJson.MAPPER.readTree(extraFields);
            fields.put(name, value);
            return EventJson.MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("extraFields of a stored reading are not a JSON object", e);
        }
    }
}
