package io.iotpipeline.domain;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device going SILENT (no reading for longer than the threshold) or ONLINE (reporting, for the first time or again),
 * as recorded in {@code device_state_changes}.
 */
public record DeviceStateChange(String customerId, String deviceId, String state, String previousState,
        Instant changedAt, Instant lastSeen) {

    /** At most this many devices are named in the line that reports newly seen devices. */
    static final int NEW_DEVICES_NAMED = 10;

    public static DeviceStateChange of(Map<String, Object> row) {
        return new DeviceStateChange((String) row.get("customerId"), (String) row.get("deviceId"),
                (String) row.get("state"), (String) row.get("previousState"), instant(row.get("changedAt")),
                instant(row.get("lastSeen")));
    }

    /** A timestamptz column as pgjdbc hands it over (Timestamp, or OffsetDateTime when asked for one). */
    static Instant instant(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return (Instant) value;
    }

    public String device() {
        return customerId + "/" + deviceId;
    }

    /**
     * One log line per device that went SILENT or came back, and one line for all devices seen for the first time (a
     * fleet that starts up is one event for an operator, not hundreds).
     */
    public static List<String> logLines(List<DeviceStateChange> changes) {
        List<String> lines = new ArrayList<>();
        List<String> newDevices = new ArrayList<>();
        for (DeviceStateChange change : changes) {
            if ("SILENT".equals(change.state())) {
                lines.add("Device " + change.device() + " is SILENT: no reading since " + change.lastSeen());
            } else if (change.previousState() == null) {
                newDevices.add(change.device());
            } else {
                lines.add("Device " + change.device() + " is ONLINE again");
            }
        }
        if (!newDevices.isEmpty()) {
            lines.add(0, newDevices.size() + (newDevices.size() == 1 ? " new device" : " new devices") + " ONLINE: "
                    + String.join(", ", newDevices.subList(0, Math.min(NEW_DEVICES_NAMED, newDevices.size())))
                    + (newDevices.size() > NEW_DEVICES_NAMED ? " and " + (newDevices.size() - NEW_DEVICES_NAMED)
                            + " more" : ""));
        }
        return lines;
    }
}
