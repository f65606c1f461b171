package io.iotpipeline.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeviceStateChangeTest {

    static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void silentAndBackOnlineDevicesGetALineEachNewDevicesOneLineTogether() {
        List<DeviceStateChange> changes = new ArrayList<>();
        changes.add(new DeviceStateChange("CI00100", "D001", "SILENT", "ONLINE", T, T.minusSeconds(60)));
        for (int d = 1; d <= 12; d++) {
            changes.add(new DeviceStateChange("CI00101", String.format("D%03d", d), "ONLINE", null, T, T));
        }
        changes.add(new DeviceStateChange("CI00100", "D002", "ONLINE", "SILENT", T, T));

        assertEquals(List.of(
                "12 new devices ONLINE: CI00101/D001, CI00101/D002, CI00101/D003, CI00101/D004, CI00101/D005,"
                        + " CI00101/D006, CI00101/D007, CI00101/D008, CI00101/D009, CI00101/D010 and 2 more",
                "Device CI00100/D001 is SILENT: no reading since 2026-11-24T09:59:00Z",
                "Device CI00100/D002 is ONLINE again"), DeviceStateChange.logLines(changes));
    }

    @Test
    void noChangesNoLines() {
        assertEquals(List.of(), DeviceStateChange.logLines(List.of()));
    }
}
